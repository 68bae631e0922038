// The central signer's desk (step 3): the signing key's validity and rotation, the revocation
// list, the people whose doses are signed but who have no current certificate, issuing for all
// of them with a progress bar, and revoking a person's certificate with a reason.
import { useState } from "preact/hooks";
import { awaiting, certificatesOf, issueAwaiting, revokeCertificate, signingStatus, type CertificateRow } from "../../api/signing";
import { session } from "../../api/session";
import { Field } from "../../components/Field";
import { Layout } from "../../components/Layout";
import { ListState } from "../../components/ListState";
import { ErrorNotice } from "../../components/Status";
import { useAsync } from "../../components/use_async";
import { useSignal } from "../../components/use_signal";
import { formatDate, formatNumber } from "../../format";
import { hasMessage, t } from "../../i18n";

const BATCH = 100;

function BulkIssue({ total, onDone }: { total: number; onDone: () => void }) {
  const [done, setDone] = useState(0);
  const [failed, setFailed] = useState<{ person_id: number; error: string }[]>([]);
  const [running, setRunning] = useState(false);
  const [finished, setFinished] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  async function run() {
    setRunning(true);
    setFinished(false);
    setError(undefined);
    setDone(0);
    setFailed([]);
    let after = 0;
    let count = 0;
    try {
      for (;;) {
        const r = await issueAwaiting(after, BATCH);
        count += r.issued + r.failed.length;
        setDone(count);
        if (r.failed.length) setFailed((f) => [...f, ...r.failed]);
        after = r.last_person_id;
        if (r.done) break;
      }
      setFinished(true);
    } catch (e) {
      setError(e);
    } finally {
      setRunning(false);
      onDone();
    }
  }
  const shown = Math.max(total, done);
  return (
    <div>
      <button type="button" class="button" onClick={run} disabled={running || total === 0}>{t("sign.issueAll", { n: formatNumber(total) })}</button>
      {(running || finished) && (
        <div role="status">
          <label for="issue-progress">{t("sign.progress", { done: formatNumber(done), total: formatNumber(shown) })}</label>
          <progress id="issue-progress" max={shown || 1} value={done} />
          {finished && <p>{t("sign.finished", { n: formatNumber(done - failed.length), failed: failed.length })}</p>}
        </div>
      )}
      {failed.length > 0 && <ul>{failed.slice(0, 20).map((f) => <li key={f.person_id}>#{f.person_id}: {f.error}</li>)}</ul>}
      {error !== undefined && <ErrorNotice error={error} />}
    </div>
  );
}

function RevokeRow({ c, onDone }: { c: CertificateRow; onDone: () => void }) {
  const [reason, setReason] = useState("");
  const [error, setError] = useState<unknown>(undefined);
  const id = `revoke-${c.id}`;
  return (
    <form onSubmit={async (e) => { e.preventDefault(); try { await revokeCertificate(c.id, reason.trim()); onDone(); } catch (err) { setError(err); } }}>
      <Field id={id} label={t("sign.revokeReason")}>
        <input id={id} class="input" value={reason} maxLength={500} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
      </Field>
      {error !== undefined && <ErrorNotice error={error} />}
      <button type="submit" class="button button--warning" disabled={!reason.trim()}>{t("sign.revoke")}<span class="visually-hidden"> {c.uvci}</span></button>
    </form>
  );
}

function PersonCertificates() {
  const [draft, setDraft] = useState("");
  const [person, setPerson] = useState(0);
  const list = useAsync((signal) => (person ? certificatesOf(person, signal) : Promise.resolve({ items: [] as CertificateRow[] })), [person]);
  return (
    <>
      <form class="filters" role="search" onSubmit={(e) => { e.preventDefault(); setPerson(Number(draft.trim()) || 0); }}>
        <Field id="cert-person" label={t("sign.personId")}>
          <input id="cert-person" class="input input--10" inputMode="numeric" value={draft} onInput={(e) => setDraft((e.target as HTMLInputElement).value)} />
        </Field>
        <button type="submit" class="button button--secondary">{t("common.search")}</button>
      </form>
      {person > 0 && <ListState state={list} empty={t("sign.noCertificates")} />}
      {list.data && list.data.items.length > 0 && (
        <ul class="request-list">
          {list.data.items.map((c) => (
            <li key={c.id} class="request">
              <h3 class="h3 mono">{c.uvci}</h3>
              <p>{t("sign.certLine", { doses: c.doses, issued: formatDate(c.issued_at), expires: formatDate(c.expires_at) })} · <strong>{hasMessage(`sign.status.${c.status}`) ? t(`sign.status.${c.status}` as never) : c.status}</strong>{c.revoke_reason ? ` (${c.revoke_reason})` : ""}</p>
              {c.status === "active" && <RevokeRow c={c} onDone={list.reload} />}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export function SignDesk(_: { params: Record<string, string> }) {
  const s = useSignal(session);
  const status = useAsync((signal) => signingStatus(signal), []);
  const list = useAsync((signal) => awaiting(signal), []);
  const allowed = s?.role === "signer" || s?.role === "admin";
  const st = status.data;
  return (
    <Layout title={t("sign.title")}>
      <h1 tabIndex={-1}>{t("sign.title")}</h1>
      {!allowed ? <p class="notice" role="status">{t("sign.only")}</p> : (
        <>
          {status.error !== undefined && <ErrorNotice error={status.error} retry={status.reload} />}
          {/* The cards are drawn at once, with dashes until the status arrives, so nothing below
              them moves when it does. */}
          {status.error === undefined && (
            <ul class="stat-cards" aria-busy={!st}>
              <li>
                <span class="stat-value">{st?.signer ? formatNumber(st.signer.days_left) : "—"}</span>
                <span class="stat-label">{t("sign.daysLeft", { date: st?.signer?.not_after ? formatDate(st.signer.not_after) : "—" })}</span>
              </li>
              <li><span class="stat-value">{st?.trust_list?.published ? formatNumber(st.trust_list.dscs ?? 0) : "—"}</span> <span class="stat-label">{t("sign.trustList", { date: st?.trust_list?.issued_at ? formatDate(st.trust_list.issued_at) : "—" })}</span></li>
              <li><span class="stat-value">{st ? formatNumber(st.revocation_list.entries) : "—"}</span> <span class="stat-label">{t("sign.revoked")}</span></li>
              <li><span class="stat-value">{st ? formatNumber(st.awaiting_certificate) : "—"}</span> <span class="stat-label">{t("sign.awaiting")}</span></li>
            </ul>
          )}
          {st?.signer && st.signer.status !== "ok" && <p class="notice notice--error" role="alert">{t(st.signer.status === "expired" ? "sign.expired" : "sign.rotationDue")}</p>}
          {st && !st.can_issue && <p class="notice notice--error" role="alert">{t("sign.noKeys")}</p>}
          {st?.trust_list && (!st.trust_list.published || st.trust_list.has_active_dsc === false) && (
            <p class="notice notice--error" role="alert">{t(st.trust_list.published ? "sign.trustMissingActive" : "sign.trustUnpublished")}</p>
          )}
          <h2>{t("sign.awaitingTitle")}</h2>
          <BulkIssue total={list.data?.total ?? 0} onDone={() => { list.reload(); status.reload(); }} />
          <ListState state={list} empty={t("sign.noneAwaiting")} />
          {list.data && list.data.items.length > 0 && (
            <div class="table-wrap">
              <table class="table">
                <caption class="visually-hidden">{t("sign.awaitingTitle")}</caption>
                <thead><tr><th scope="col">#</th><th scope="col">{t("work.name")}</th><th scope="col">{t("work.dob")}</th><th scope="col">CCCD</th><th scope="col">{t("sign.signedDoses")}</th></tr></thead>
                <tbody>
                  {list.data.items.map((p) => (
                    <tr key={p.person_id}><td>{p.person_id}</td><th scope="row">{p.full_name}</th><td>{formatDate(p.dob)}</td><td class="mono">{p.cccd || "—"}</td><td>{p.signed_doses}</td></tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h2>{t("sign.revokeTitle")}</h2>
          <PersonCertificates />
        </>
      )}
    </Layout>
  );
}
