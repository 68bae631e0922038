// Request a correction of the record: wrong personal details, a wrong dose detail, or a dose that
// is not mine. (A missing dose is self-declared on its own page.) One question at a time: what
// kind, then the claimed values and photos, then "check your answers".
import { useState } from "preact/hooks";
import { api } from "../api/client";
import type { CorrectionRequest } from "../api/corrections";
import type { PersonRecord } from "../api/types";
import { ErrorSummary, type FieldError } from "../components/ErrorSummary";
import { Field } from "../components/Field";
import { CheckAnswers } from "../components/CheckAnswers";
import { Layout } from "../components/Layout";
import { Link } from "../components/Link";
import { PhotoPicker, type UploadedPhoto } from "../components/PhotoPicker";
import { ErrorNotice, Loading } from "../components/Status";
import { toFieldError } from "../components/errors";
import { useAsync } from "../components/use_async";
import { formatDate, parseDate } from "../format";
import { t, type MessageKey } from "../i18n";
import { navigate } from "../router";
import { kindLabel } from "./CorrectionList";

type Kind = "identity" | "dose_fact" | "wrong_person";
const KINDS: { kind: Kind; hint: MessageKey }[] = [
  { kind: "identity", hint: "corr.kindHint.identity" },
  { kind: "dose_fact", hint: "corr.kindHint.dose_fact" },
  { kind: "wrong_person", hint: "corr.kindHint.wrong_person" },
];
// The claimable fields of each kind, by claim key; dates are typed dd/mm/yyyy.
const FIELDS: Record<Kind, { key: string; label: MessageKey; date?: boolean }[]> = {
  identity: [
    { key: "full_name", label: "claim.full_name" },
    { key: "birth_date", label: "claim.birth_date", date: true },
    { key: "sex", label: "claim.sex" },
    { key: "cccd", label: "claim.cccd" },
  ],
  dose_fact: [
    { key: "date", label: "claim.date", date: true },
    { key: "vaccine", label: "claim.vaccine" },
    { key: "lot", label: "claim.lot" },
    { key: "dose_number", label: "claim.dose_number" },
  ],
  wrong_person: [{ key: "owner_cccd", label: "claim.owner_cccd" }],
};

export function CorrectionNew(_: { params: Record<string, string> }) {
  const rec = useAsync((signal) => api<PersonRecord>("/api/v1/me/record", { signal }), []);
  const [kind, setKind] = useState<Kind | null>(null);
  const [chosen, setChosen] = useState<Kind>("identity");
  const [doseId, setDoseId] = useState<string>("");
  const [values, setValues] = useState<Record<string, string>>({});
  const [note, setNote] = useState("");
  const [photos, setPhotos] = useState<UploadedPhoto[]>([]);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [check, setCheck] = useState(false);
  const [busy, setBusy] = useState(false);

  function claim(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const f of FIELDS[kind!]) {
      const v = (values[f.key] ?? "").trim();
      if (!v) continue;
      out[f.key] = f.date ? parseDate(v) ?? v : f.key === "dose_number" ? Number(v) : v;
    }
    return out;
  }

  function validate(): FieldError[] {
    const out: FieldError[] = [];
    if (kind !== "identity" && !doseId) out.push({ field: "dose", message: t("corr.doseMissing") });
    for (const f of FIELDS[kind!]) {
      const v = (values[f.key] ?? "").trim();
      if (v && f.date && !parseDate(v)) out.push({ field: `claim-${f.key}`, message: t("declare.dateInvalid") });
    }
    if (kind !== "wrong_person" && Object.keys(claim()).length === 0) out.push({ field: `claim-${FIELDS[kind!][0].key}`, message: t("corr.claimMissing") });
    if (photos.length === 0) out.push({ field: "photos", message: t("declare.photoMissing") });
    return out;
  }

  async function submit() {
    setBusy(true);
    try {
      const r = await api<CorrectionRequest>("/api/v1/me/corrections", {
        body: { kind, claim: claim(), note, photos: photos.map((p) => p.id), dose_id: doseId ? Number(doseId) : null },
      });
      navigate(`/me/corrections/${r.tracking}`);
    } catch (e) {
      const ids: Record<string, string> = { dose_id: "dose", photos: "photos", claim: `claim-${FIELDS[kind!][0].key}` };
      for (const f of FIELDS[kind!]) ids[f.key] = `claim-${f.key}`;
      setErrors([toFieldError(e, ids)]);
      setCheck(false);
    } finally {
      setBusy(false);
    }
  }

  const err = (k: string) => errors.find((e) => e.field === k)?.message;
  if (rec.loading && !rec.data) return <Layout title={t("corr.newTitle")}><Loading /></Layout>;
  if (rec.error !== undefined) return <Layout title={t("corr.newTitle")}><ErrorNotice error={rec.error} retry={rec.reload} /></Layout>;
  const doses = rec.data?.doses ?? [];
  const chosenDose = doses.find((x) => String(x.id) === doseId);

  return (
    <Layout title={t("corr.newTitle")}>
      <ErrorSummary errors={errors} />
      <h1 tabIndex={-1}>{t("corr.newTitle")}</h1>
      {kind === null ? (
        <form noValidate onSubmit={(e) => { e.preventDefault(); setKind(chosen); setErrors([]); }}>
          <fieldset class="fieldset">
            <legend>{t("corr.whatKind")}</legend>
            {KINDS.map((k) => (
              <div class="radio" key={k.kind}>
                <input type="radio" id={`kind-${k.kind}`} name="kind" checked={chosen === k.kind}
                  aria-describedby={`kind-${k.kind}-hint`} onChange={() => setChosen(k.kind)} />
                <label for={`kind-${k.kind}`}>{kindLabel(k.kind)}</label>
                <p class="hint" id={`kind-${k.kind}-hint`}>{t(k.hint)}</p>
              </div>
            ))}
          </fieldset>
          <p>{t("corr.missingDoseInstead")} <Link href="/me/declare">{t("me.declare")}</Link></p>
          <button class="button" type="submit">{t("common.continue")}</button>
        </form>
      ) : !check ? (
        <form noValidate onSubmit={(e) => { e.preventDefault(); const v = validate(); setErrors(v); if (!v.length) setCheck(true); }}>
          <h2>{kindLabel(kind)}</h2>
          {kind !== "identity" && (
            <Field id="dose" label={t("corr.whichDose")} error={err("dose")}>
              <select id="dose" class="select" value={doseId} onChange={(e) => setDoseId((e.target as HTMLSelectElement).value)}>
                <option value="">{t("common.choose")}</option>
                {doses.map((d) => (
                  <option key={d.id} value={String(d.id)}>
                    {t("corr.doseOption", { n: d.dose_number, date: formatDate(d.administered_at), vaccine: d.vaccine })}
                  </option>
                ))}
              </select>
            </Field>
          )}
          <p>{kind === "wrong_person" ? t("corr.ownerHint") : t("corr.claimHint")}</p>
          {FIELDS[kind].map((f) => (
            <Field key={f.key} id={`claim-${f.key}`} label={t(f.label)} hint={f.date ? t("signup.birthHint") : undefined} error={err(`claim-${f.key}`)}>
              <input id={`claim-${f.key}`} class="input" value={values[f.key] ?? ""}
                inputMode={f.date || f.key === "cccd" || f.key === "owner_cccd" || f.key === "dose_number" ? "numeric" : undefined}
                onInput={(e) => setValues({ ...values, [f.key]: (e.target as HTMLInputElement).value })} />
            </Field>
          ))}
          <PhotoPicker id="photos" photos={photos} onChange={setPhotos} error={err("photos")} />
          <Field id="note" label={t("corr.note")} hint={t("corr.noteHint")}>
            <textarea id="note" class="textarea" rows={3} maxLength={1000} value={note} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
          </Field>
          <div class="button-group">
            <button class="button" type="submit">{t("common.continue")}</button>
            <button class="button button--secondary" type="button" onClick={() => setKind(null)}>{t("common.back")}</button>
          </div>
        </form>
      ) : (
        <CheckAnswers
          rows={[
            [t("corr.kind"), kindLabel(kind)],
            ...(chosenDose ? [[t("corr.whichDose"), t("corr.doseOption", { n: chosenDose.dose_number, date: formatDate(chosenDose.administered_at), vaccine: chosenDose.vaccine })] as [string, string]] : []),
            ...FIELDS[kind].filter((f) => (values[f.key] ?? "").trim()).map((f) => [t(f.label), values[f.key]] as [string, string]),
            [t("photo.legend"), String(photos.length)],
            ...(note ? [[t("corr.note"), note] as [string, string]] : []),
          ]}
          submitLabel={t("corr.submit")} busy={busy} onSubmit={submit} onChange={() => setCheck(false)} />
      )}
    </Layout>
  );
}
