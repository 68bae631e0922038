// A row an import kept back for cleaning: its reason, the line to correct and send again, or a
// reason to reject it. Used by facility staff (their uploads) and authorities (their area).
import { useState } from "preact/hooks";
import { rejectRow, releaseRow, type QuarantinedRow } from "../api/work";
import { formatDateTime } from "../format";
import { t } from "../i18n";
import { Field } from "./Field";
import { ErrorNotice } from "./Status";
import { useAction } from "./use_action";
import { ListState } from "./ListState";
import type { AsyncState } from "./use_async";

export function KeptRow({ row, onDone }: { row: QuarantinedRow; onDone: (msg: string) => void }) {
  const [text, setText] = useState(row.row);
  const [reason, setReason] = useState("");
  const { error, run } = useAction(onDone);
  const id = `row-${row.id}`;
  return (
    <li class="request">
      <h3 class="h3">{t("work.keptLine", { line: row.line, record: row.record_id || "—" })}</h3>
      <p class="text-warning">{row.reason.message}</p>
      <p class="hint">{t("work.keptAt", { at: formatDateTime(row.received_at) })}</p>
      <Field id={id} label={t("work.keptFix")}>
        <textarea id={id} class="textarea mono" rows={2} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
      </Field>
      {error !== undefined && <ErrorNotice error={error} />}
      <div class="button-group">
        <button type="button" class="button" onClick={() => run(() => releaseRow(row.id, text), t("work.released", { line: row.line }))}>{t("work.release")}</button>
      </div>
      <Field id={`${id}-reason`} label={t("work.rejectReason")}>
        <input id={`${id}-reason`} class="input" value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
      </Field>
      <button type="button" class="button button--warning" disabled={!reason.trim()}
        onClick={() => run(() => rejectRow(row.id, reason.trim()), t("work.rejected", { line: row.line }))}>{t("work.reject")}</button>
    </li>
  );
}

// The open rows of `kept`, each to fix or reject, with the outcome of the last one said above.
export function KeptRows({ kept }: { kept: AsyncState<{ items: QuarantinedRow[] }> }) {
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <>
      {notice && <p class="notice" role="status">{notice}</p>}
      <ListState state={kept} empty={t("work.keptNone")} />
      {kept.data && kept.data.items.length > 0 && (
        <ul class="request-list">
          {kept.data.items.map((r) => <KeptRow key={r.id} row={r} onDone={(msg) => { setNotice(msg); kept.reload(); }} />)}
        </ul>
      )}
    </>
  );
}
