// A row an import kept back for cleaning: its reason, what the population register says of its
// person, the line (or batch item) to correct and send again, or a reason to reject it. Used by
// facility staff (their uploads) and authorities (their area), who may also accept a continuity
// conflict with an override reason.
import { useState } from "preact/hooks";
import { rejectRow, releaseRow, type QuarantinedRow } from "../api/work";
import { formatDateTime } from "../format";
import { t } from "../i18n";
import { Field } from "./Field";
import { ErrorNotice } from "./Status";
import { useAction } from "./use_action";
import { ListState } from "./ListState";
import type { AsyncState } from "./use_async";

// What matching the row's person against the population register found, in words.
const MATCH_KEYS: Record<string, "work.match.verified" | "work.match.proposed" | "work.match.not_found" | undefined> = {
  verified: "work.match.verified",
  proposed_correction: "work.match.proposed",
  not_found: "work.match.not_found",
};

export function KeptRow({ row, onDone, mayOverride }: { row: QuarantinedRow; onDone: (msg: string) => void; mayOverride: boolean }) {
  const [text, setText] = useState(row.row);
  const [reason, setReason] = useState("");
  const [override, setOverride] = useState("");
  const { error, run } = useAction(onDone);
  const id = `row-${row.id}`;
  return (
    <li class="request">
      <h3 class="h3">{t(row.channel === "batch" ? "work.keptItem" : "work.keptLine", { line: row.line, record: row.record_id || "—" })}</h3>
      <p class="text-warning">{row.reason.message}</p>
      <p class="hint">{t("work.keptAt", { at: formatDateTime(row.received_at) })}</p>
      {row.match && MATCH_KEYS[row.match.status] && (
        <p class="hint">{t(MATCH_KEYS[row.match.status]!, { cccd: row.match.matched_cccd || "—" })}</p>
      )}
      <Field id={id} label={t("work.keptFix")}>
        <textarea id={id} class="textarea mono" rows={2} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
      </Field>
      {error !== undefined && <ErrorNotice error={error} />}
      {mayOverride && (
        <Field id={`${id}-override`} label={t("work.overrideReason")} hint={t("work.overrideHint")}>
          <input id={`${id}-override`} class="input" value={override} aria-describedby={`${id}-override-hint`}
            onInput={(e) => setOverride((e.target as HTMLInputElement).value)} />
        </Field>
      )}
      <div class="button-group">
        <button type="button" class="button" onClick={() => run(() => releaseRow(row.id, text, override.trim()), t("work.released", { line: row.line }))}>{t("work.release")}</button>
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
export function KeptRows({ kept, mayOverride = false }: { kept: AsyncState<{ items: QuarantinedRow[] }>; mayOverride?: boolean }) {
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <>
      {notice && <p class="notice" role="status">{notice}</p>}
      <ListState state={kept} empty={t("work.keptNone")} />
      {kept.data && kept.data.items.length > 0 && (
        <ul class="request-list">
          {kept.data.items.map((r) => <KeptRow key={r.id} row={r} mayOverride={mayOverride} onDone={(msg) => { setNotice(msg); kept.reload(); }} />)}
        </ul>
      )}
    </>
  );
}
