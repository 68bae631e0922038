// The audit log searched by actor, record, action and time, newest first, a page at a time.
import { useState } from "preact/hooks";
import { searchAudit, type AuditFilter } from "../../api/admin";
import { Field } from "../../components/Field";
import { ListState } from "../../components/ListState";
import { useAsync } from "../../components/use_async";
import { formatDateTime } from "../../format";
import { t } from "../../i18n";
import { AdminFrame } from "./AdminFrame";

const EMPTY: AuditFilter = { actor: "", target: "", action: "", from: "", to: "" };
const FIELDS: { key: keyof AuditFilter; label: "admin.actor" | "admin.target" | "admin.action" | "admin.from" | "admin.to"; type: string }[] = [
  { key: "actor", label: "admin.actor", type: "text" },
  { key: "target", label: "admin.target", type: "text" },
  { key: "action", label: "admin.action", type: "text" },
  { key: "from", label: "admin.from", type: "date" },
  { key: "to", label: "admin.to", type: "date" },
];

export function AdminAudit(_: { params: Record<string, string> }) {
  const [draft, setDraft] = useState<AuditFilter>(EMPTY);
  const [filter, setFilter] = useState<AuditFilter>(EMPTY);
  const [pages, setPages] = useState<number[]>([0]);  // the `before` of each page seen
  const before = pages[pages.length - 1];
  const log = useAsync((signal) => searchAudit(filter, before, signal), [filter, before]);
  return (
    <AdminFrame title={t("admin.auditTitle")}>
      <form class="filters" role="search" onSubmit={(e) => { e.preventDefault(); setFilter(draft); setPages([0]); }}>
        {FIELDS.map((f) => (
          <Field key={f.key} id={`audit-${f.key}`} label={t(f.label)}>
            <input id={`audit-${f.key}`} type={f.type} class="input input--20" value={draft[f.key]}
              onInput={(e) => setDraft({ ...draft, [f.key]: (e.target as HTMLInputElement).value })} />
          </Field>
        ))}
        <button type="submit" class="button">{t("common.search")}</button>
      </form>
      <p class="hint">{t("admin.auditHint")}</p>
      <ListState state={log} empty={t("admin.auditNone")} />
      {log.data && log.data.items.length > 0 && (
        <div class="table-wrap">
          <table class="table">
            <caption class="visually-hidden">{t("admin.auditTitle")}</caption>
            <thead><tr><th scope="col">#</th><th scope="col">{t("admin.at")}</th><th scope="col">{t("admin.actor")}</th><th scope="col">{t("admin.action")}</th><th scope="col">{t("admin.target")}</th></tr></thead>
            <tbody>
              {log.data.items.map((r) => (
                <tr key={r.seq}>
                  <td>{r.seq}</td><td>{formatDateTime(r.at)}</td><td class="mono">{r.actor}</td><td class="mono">{r.action}</td><td class="mono">{r.target}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div class="button-group">
        {pages.length > 1 && <button type="button" class="button button--secondary" onClick={() => setPages(pages.slice(0, -1))}>{t("common.previous")}</button>}
        {log.data?.next_before && <button type="button" class="button button--secondary" onClick={() => setPages([...pages, log.data!.next_before!])}>{t("common.next")}</button>}
      </div>
    </AdminFrame>
  );
}
