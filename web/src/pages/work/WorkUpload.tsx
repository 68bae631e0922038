// Uploading the day's doses as CSV (as a spreadsheet saves it): the answer counts recorded and
// kept-back rows and says what is wrong with each; rows kept back for cleaning are listed below,
// where staff correct a line and send it again, or reject it with a reason.
import { useState } from "preact/hooks";
import { quarantinedRows, rejectRow, releaseRow, uploadCsv, type QuarantinedRow, type UploadReport } from "../../api/work";
import { Field } from "../../components/Field";
import { ErrorNotice } from "../../components/Status";
import { ListState } from "../../components/ListState";
import { useAsync } from "../../components/use_async";
import { formatDateTime } from "../../format";
import { t } from "../../i18n";
import { WorkFrame } from "./WorkFrame";

function KeptRow({ row, onDone }: { row: QuarantinedRow; onDone: (msg: string) => void }) {
  const [text, setText] = useState(row.row);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<unknown>(undefined);
  const id = `row-${row.id}`;
  async function run(action: () => Promise<unknown>, msg: string) {
    setError(undefined);
    try {
      await action();
      onDone(msg);
    } catch (e) {
      setError(e);
    }
  }
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

export function WorkUpload(_: { params: Record<string, string> }) {
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<UploadReport | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const kept = useAsync((signal) => quarantinedRows("open", signal), []);

  async function upload(e: Event) {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(undefined);
    setReport(null);
    try {
      setReport(await uploadCsv(file));
      kept.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <WorkFrame title={t("work.uploadTitle")}>
      <p>{t("work.uploadLead")}</p>
      <form onSubmit={upload}>
        <Field id="csv" label={t("work.csvFile")} hint={t("work.csvHint")}>
          <input id="csv" type="file" accept=".csv,text/csv" aria-describedby="csv-hint"
            onChange={(e) => setFile((e.target as HTMLInputElement).files?.[0] ?? null)} />
        </Field>
        <button type="submit" class="button" disabled={!file || busy}>{busy ? t("common.loading") : t("work.upload")}</button>
      </form>
      {error !== undefined && <ErrorNotice error={error} />}
      {report && (
        <section class="panel" role="status" aria-labelledby="report-title">
          <h2 id="report-title">{t("work.reportTitle")}</h2>
          <p>{t("work.reportCounts", { rows: report.rows, recorded: report.recorded, kept: report.quarantined })}</p>
          {report.errors.length > 0 && (
            <ul>{report.errors.map((e) => <li key={e.line}>{t("work.reportLine", { line: e.line })}: {e.error.message}</li>)}</ul>
          )}
        </section>
      )}
      <h2>{t("work.keptTitle")}</h2>
      {notice && <p class="notice" role="status">{notice}</p>}
      <ListState state={kept} empty={t("work.keptNone")} />
      {kept.data && kept.data.items.length > 0 && (
        <ul class="request-list">
          {kept.data.items.map((r) => <KeptRow key={r.id} row={r} onDone={(msg) => { setNotice(msg); kept.reload(); }} />)}
        </ul>
      )}
    </WorkFrame>
  );
}
