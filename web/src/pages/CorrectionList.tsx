// The citizen's requests (self-declared doses and corrections) with status and deadline.
import { api } from "../api/client";
import type { CorrectionRequest } from "../api/corrections";
import { Deadline } from "../components/Deadline";
import { Layout } from "../components/Layout";
import { Link } from "../components/Link";
import { ListState } from "../components/ListState";
import { useAsync } from "../components/use_async";
import { formatDateTime } from "../format";
import { t, hasMessage } from "../i18n";

export function kindLabel(kind: string): string {
  const key = `corr.kind.${kind}`;
  return hasMessage(key) ? t(key) : kind;
}

export function statusLabel(status: string): string {
  const key = `corr.status.${status}`;
  return hasMessage(key) ? t(key) : status;
}

// A request's status, when it came in and where it stands against its deadline.
export function RequestState({ r }: { r: CorrectionRequest }) {
  return (
    <>
      <p>
        <span class={`tag tag--${r.status}`}>{statusLabel(r.status)}</span>{" "}
        {t("corr.receivedAt", { at: formatDateTime(r.received_at) })}
      </p>
      <p><Deadline r={r} /></p>
    </>
  );
}

export function CorrectionList(_: { params: Record<string, string> }) {
  const list = useAsync((signal) => api<{ items: CorrectionRequest[] }>("/api/v1/me/corrections", { signal }), []);
  return (
    <Layout title={t("corr.listTitle")}>
      <h1 tabIndex={-1}>{t("corr.listTitle")}</h1>
      <div class="button-group">
        <Link href="/me/corrections/new" class="button">{t("corr.new")}</Link>
        <Link href="/me/declare" class="button button--secondary">{t("me.declare")}</Link>
      </div>
      <ListState state={list} empty={t("corr.none")} />
      {list.data && list.data.items.length > 0 && (
        <ul class="request-list">
          {list.data.items.map((r) => (
            <li key={r.id} class="request">
              <h2 class="h3"><Link href={`/me/corrections/${r.tracking}`}>{kindLabel(r.kind)} · {r.tracking}</Link></h2>
              <RequestState r={r} />
            </li>
          ))}
        </ul>
      )}
      <p><Link href="/me">{t("cert.back")}</Link></p>
    </Layout>
  );
}
