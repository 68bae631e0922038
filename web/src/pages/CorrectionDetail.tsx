// One request: what was claimed, where it stands against the deadline, its history and the
// decision; when the handler asked for more information, the citizen answers here.
import { useState } from "preact/hooks";
import { api } from "../api/client";
import type { CorrectionRequest } from "../api/corrections";
import { Deadline } from "../components/Deadline";
import { ErrorSummary, type FieldError } from "../components/ErrorSummary";
import { Field } from "../components/Field";
import { Layout } from "../components/Layout";
import { Link } from "../components/Link";
import { PhotoPicker, type UploadedPhoto } from "../components/PhotoPicker";
import { ErrorNotice, Loading } from "../components/Status";
import { toFieldError } from "../components/errors";
import { useAsync } from "../components/use_async";
import { formatDate, formatDateTime } from "../format";
import { lang, t, hasMessage } from "../i18n";
import { kindLabel, statusLabel } from "./CorrectionList";

function claimValue(key: string, v: unknown): string {
  if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v)) return formatDate(v);
  if (v === "" && key === "lot") return t("declare.noLot");
  return String(v);
}

function claimLabel(key: string): string {
  const k = `claim.${key}`;
  return hasMessage(k) ? t(k) : key;
}

export function CorrectionDetail({ params }: { params: Record<string, string> }) {
  const req = useAsync(
    (signal) => api<CorrectionRequest>(`/api/v1/me/corrections/${encodeURIComponent(params.tracking)}`, { signal }),
    [params.tracking],
  );
  const [answer, setAnswer] = useState("");
  const [photos, setPhotos] = useState<UploadedPhoto[]>([]);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);

  async function sendAnswer(e: Event) {
    e.preventDefault();
    if (!answer.trim() && photos.length === 0) {
      setErrors([{ field: "answer", message: t("corr.answerMissing") }]);
      return;
    }
    setBusy(true);
    try {
      await api(`/api/v1/me/corrections/${encodeURIComponent(params.tracking)}/answer`, {
        body: { note: answer, photos: photos.map((p) => p.id) },
      });
      setAnswer("");
      setPhotos([]);
      setErrors([]);
      req.reload();
    } catch (err) {
      setErrors([toFieldError(err, { note: "answer" })]);
    } finally {
      setBusy(false);
    }
  }

  const r = req.data;
  return (
    <Layout title={t("corr.detailTitle")}>
      <ErrorSummary errors={errors} />
      <h1 tabIndex={-1}>{t("corr.detailTitle")}</h1>
      {req.loading && !r && <Loading />}
      {req.error !== undefined && <ErrorNotice error={req.error} retry={req.reload} />}
      {r && (
        <>
          <dl class="summary-list">
            <div><dt>{t("corr.tracking")}</dt><dd class="mono">{r.tracking}</dd></div>
            <div><dt>{t("corr.kind")}</dt><dd>{kindLabel(r.kind)}</dd></div>
            <div><dt>{t("corr.status")}</dt><dd><span class={`tag tag--${r.status}`}>{statusLabel(r.status)}</span></dd></div>
            <div><dt>{t("corr.received")}</dt><dd>{formatDateTime(r.received_at)}</dd></div>
            <div><dt>{t("corr.deadline")}</dt><dd><Deadline r={r} /></dd></div>
            {Object.entries(r.claim).map(([k, v]) => (
              <div key={k}><dt>{claimLabel(k)}</dt><dd>{claimValue(k, v)}</dd></div>
            ))}
            {r.note && <div><dt>{t("corr.note")}</dt><dd>{r.note}</dd></div>}
          </dl>
          {r.status === "rejected" && r.reject_reason && (
            <div class="notice notice--error">
              <h2 class="h3">{t("corr.rejectedBecause")}</h2>
              <p>{(lang.get() === "vi" ? r.reject_reason.vi : r.reject_reason.en) ?? r.reject_reason.code}</p>
            </div>
          )}
          {r.status === "approved" && <div class="panel panel--success"><p>{t("corr.approvedBody")}</p></div>}
          {r.status === "info_needed" && (
            <form onSubmit={sendAnswer} noValidate class="panel">
              <h2 class="h3">{t("corr.infoNeeded")}</h2>
              <p class="question">{r.info_question}</p>
              <Field id="answer" label={t("corr.answer")} error={errors.find((x) => x.field === "answer")?.message}>
                <textarea id="answer" class="textarea" rows={3} maxLength={1000} value={answer}
                  onInput={(e) => setAnswer((e.target as HTMLTextAreaElement).value)} />
              </Field>
              <PhotoPicker id="answer-photos" photos={photos} onChange={setPhotos} />
              <button class="button" type="submit" disabled={busy}>{t("corr.sendAnswer")}</button>
            </form>
          )}
          {r.events && r.events.length > 0 && (
            <>
              <h2>{t("corr.history")}</h2>
              <ol class="timeline">
                {r.events.map((ev, i) => (
                  <li key={i}>
                    <span class="timeline-time">{formatDateTime(ev.at)}</span>{" "}
                    {hasMessage(`corr.event.${ev.event}`) ? t(`corr.event.${ev.event}` as never) : ev.event}
                  </li>
                ))}
              </ol>
            </>
          )}
        </>
      )}
      <p><Link href="/me/corrections">{t("corr.backToList")}</Link></p>
    </Layout>
  );
}
