// Uploading the day's doses as CSV (as a spreadsheet saves it) or as a batch file (JSON, as
// facility software writes it): the answer counts recorded and kept-back rows and says what is
// wrong with each; rows kept back for cleaning are listed below, where staff correct a line and
// send it again, or reject it with a reason.
import { useState } from "preact/hooks";
import { BatchFileError, quarantinedRows, uploadBatch, uploadCsv, type UploadReport } from "../../api/work";
import { KeptRows } from "../../components/KeptRow";
import { Field } from "../../components/Field";
import { ErrorNotice } from "../../components/Status";
import { useAsync } from "../../components/use_async";
import { t } from "../../i18n";
import { WorkFrame } from "./WorkFrame";

export function WorkUpload(_: { params: Record<string, string> }) {
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<(UploadReport & { batch: boolean }) | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const kept = useAsync((signal) => quarantinedRows("open", signal), []);

  async function upload(e: Event) {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(undefined);
    setReport(null);
    try {
      const batch = /\.json$/i.test(file.name) || file.type === "application/json";
      setReport({ ...(batch ? await uploadBatch(file) : await uploadCsv(file)), batch });
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
          <input id="csv" type="file" accept=".csv,text/csv,.json,application/json" aria-describedby="csv-hint"
            onChange={(e) => setFile((e.target as HTMLInputElement).files?.[0] ?? null)} />
        </Field>
        <button type="submit" class="button" disabled={!file || busy}>{busy ? t("common.loading") : t("work.upload")}</button>
      </form>
      {error instanceof BatchFileError
        ? <p class="notice notice--error" role="alert">{t("work.batchFileInvalid")}</p>
        : error !== undefined && <ErrorNotice error={error} />}
      {report && (
        <section class="panel" role="status" aria-labelledby="report-title">
          <h2 id="report-title">{t("work.reportTitle")}</h2>
          <p>{t(report.batch ? "work.reportCountsItems" : "work.reportCounts", { rows: report.rows, recorded: report.recorded, kept: report.quarantined })}</p>
          {report.errors.length > 0 && (
            <ul>{report.errors.map((e) => <li key={e.line}>{t(report.batch ? "work.reportItem" : "work.reportLine", { line: e.line })}: {e.error.message}</li>)}</ul>
          )}
        </section>
      )}
      <h2>{t("work.keptTitle")}</h2>
      <KeptRows kept={kept} />
    </WorkFrame>
  );
}
