// One correction request for its handler: the citizen's claim and photos (zoom, rotate) beside
// the person's record, the deadline, and the decision: approve, reject with a standard reason,
// or ask the citizen for more (the clock stops until they answer).
import { useState } from "preact/hooks";
import { approveCorrection, askCitizen, correction, personRecord, rejectCorrection, rejectReasons } from "../../api/area";
import { Deadline } from "../../components/Deadline";
import { Field } from "../../components/Field";
import { Link } from "../../components/Link";
import { ErrorNotice, Loading } from "../../components/Status";
import { useAsync } from "../../components/use_async";
import { formatDate } from "../../format";
import { hasMessage, lang, t } from "../../i18n";
import { kindLabel, statusLabel } from "../CorrectionList";
import { AreaFrame } from "./AreaFrame";
import { PhotoViewer } from "./PhotoViewer";

function Claim({ claim }: { claim: Record<string, unknown> }) {
  return (
    <dl class="summary-list">
      {Object.entries(claim).map(([k, v]) => (
        <div key={k}><dt class="mono">{k}</dt><dd>{typeof v === "object" ? JSON.stringify(v) : String(v)}</dd></div>
      ))}
    </dl>
  );
}

export function AreaCorrection({ params }: { params: Record<string, string> }) {
  const id = Number(params.id);
  const req = useAsync((signal) => correction(id, signal), [id]);
  const person = useAsync((signal) => (req.data ? personRecord(req.data.person_id, signal) : Promise.resolve(null)), [req.data?.person_id]);
  const reasons = useAsync((signal) => rejectReasons(signal), []);
  const [reason, setReason] = useState("");
  const [note, setNote] = useState("");
  const [question, setQuestion] = useState("");
  const [error, setError] = useState<unknown>(undefined);
  const [done, setDone] = useState<string | null>(null);
  const r = req.data;

  async function act(action: () => Promise<unknown>, msg: string) {
    setError(undefined);
    try {
      await action();
      setDone(msg);
      req.reload();
    } catch (e) {
      setError(e);
    }
  }

  return (
    <AreaFrame title={r ? `${kindLabel(r.kind)} · ${r.tracking}` : t("area.correctionsTitle")}>
      <p><Link href="/area">{t("area.backToQueue")}</Link></p>
      {req.loading && !r && <Loading />}
      {req.error !== undefined && <ErrorNotice error={req.error} retry={req.reload} />}
      {done && <p class="notice" role="status">{done}</p>}
      {r && (
        <div class="side-by-side">
          <section aria-labelledby="claim-title">
            <h2 id="claim-title">{t("area.claim")}</h2>
            <p><span class={`tag tag--${r.status}`}>{statusLabel(r.status)}</span> <Deadline r={r} /></p>
            <Claim claim={r.claim} />
            {r.note && <p>{t("area.citizenNote")}: {r.note}</p>}
            <PhotoViewer requestId={r.id} count={r.photos} />
          </section>
          <section aria-labelledby="record-title">
            <h2 id="record-title">{t("area.record")}</h2>
            {person.data && (
              <>
                <dl class="summary-list">
                  <div><dt>{t("work.name")}</dt><dd>{person.data.person.full_name}</dd></div>
                  <div><dt>{t("work.dob")}</dt><dd>{formatDate(person.data.person.dob)}</dd></div>
                  <div><dt>CCCD</dt><dd class="mono">{person.data.person.cccd ?? "—"}</dd></div>
                </dl>
                <ul>
                  {person.data.doses.map((d) => (
                    <li key={d.id}>{t("area.doseLine", { n: d.dose_number, vaccine: d.vaccine, date: formatDate(d.administered_at), display: hasMessage(`dose.${d.display}`) ? t(`dose.${d.display}` as never) : d.display })}</li>
                  ))}
                </ul>
              </>
            )}
          </section>
        </div>
      )}
      {r && (r.status === "open" || r.status === "info_needed") && (
        <section aria-labelledby="decide-title">
          <h2 id="decide-title">{t("area.decide")}</h2>
          {error !== undefined && <ErrorNotice error={error} />}
          <form onSubmit={(e) => { e.preventDefault(); act(() => approveCorrection(r.id, r.version, note, ""), t("area.approved")); }}>
            <Field id="decision-note" label={t("area.note")}>
              <input id="decision-note" class="input" value={note} maxLength={1000} onInput={(e) => setNote((e.target as HTMLInputElement).value)} />
            </Field>
            <button type="submit" class="button">{t("area.approve")}</button>
          </form>
          <form onSubmit={(e) => { e.preventDefault(); act(() => rejectCorrection(r.id, r.version, reason, note), t("area.rejectedMsg")); }}>
            <Field id="reject-reason" label={t("area.rejectReason")}>
              <select id="reject-reason" class="input" value={reason} onChange={(e) => setReason((e.target as HTMLSelectElement).value)}>
                <option value="">{t("common.choose")}</option>
                {(reasons.data?.reasons ?? []).map((x) => <option key={x.code} value={x.code}>{lang.get() === "vi" ? x.vi : x.en}</option>)}
              </select>
            </Field>
            <button type="submit" class="button button--warning" disabled={!reason}>{t("area.reject")}</button>
          </form>
          <form onSubmit={(e) => { e.preventDefault(); act(() => askCitizen(r.id, r.version, question), t("area.asked")); }}>
            <Field id="question" label={t("area.question")}>
              <input id="question" class="input" value={question} maxLength={1000} onInput={(e) => setQuestion((e.target as HTMLInputElement).value)} />
            </Field>
            <button type="submit" class="button button--secondary" disabled={!question.trim()}>{t("area.ask")}</button>
          </form>
        </section>
      )}
    </AreaFrame>
  );
}
