// Self-declare a dose missing from the record: when, which vaccine, lot, dose number, where (a
// facility in Viet Nam or a country abroad) and 1-3 photos of the paper card; "check your answers";
// the answer is a tracking number. The dose shows as pending until a facility or authority
// verifies it.
import { useState } from "preact/hooks";
import { api } from "../api/client";
import type { CorrectionRequest } from "../api/corrections";
import { ErrorSummary, type FieldError } from "../components/ErrorSummary";
import { Field, describedBy } from "../components/Field";
import { CheckAnswers } from "../components/CheckAnswers";
import { Layout } from "../components/Layout";
import { Link } from "../components/Link";
import { PhotoPicker, type UploadedPhoto } from "../components/PhotoPicker";
import { toFieldError } from "../components/errors";
import { parseDate, todayIso } from "../format";
import { t } from "../i18n";

const COMMON_VACCINES = ["Pfizer", "Moderna", "AstraZeneca", "Sinopharm (Vero Cell)", "Sputnik V", "Janssen (J&J)", "Abdala", "Hayat-Vax"];

interface Form {
  date: string;
  vaccine: string;
  lot: string;
  noLot: boolean;
  dose: string;
  abroad: boolean;
  facility: string;
  country: string;
  note: string;
}

export function Declare(_: { params: Record<string, string> }) {
  const [f, setF] = useState<Form>({ date: "", vaccine: "", lot: "", noLot: false, dose: "", abroad: false, facility: "", country: "", note: "" });
  const [photos, setPhotos] = useState<UploadedPhoto[]>([]);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [step, setStep] = useState<"form" | "check">("form");
  const [done, setDone] = useState<CorrectionRequest | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof Form, v: string | boolean) => setF({ ...f, [k]: v });

  function validate(): FieldError[] {
    const out: FieldError[] = [];
    const iso = parseDate(f.date);
    if (!iso) out.push({ field: "date", message: t("declare.dateInvalid") });
    else if (iso > todayIso()) out.push({ field: "date", message: t("declare.dateFuture") });
    if (!f.vaccine.trim()) out.push({ field: "vaccine", message: t("declare.vaccineMissing") });
    if (!f.noLot && !f.lot.trim()) out.push({ field: "lot", message: t("declare.lotMissing") });
    const n = Number(f.dose);
    if (!Number.isInteger(n) || n < 1 || n > 10) out.push({ field: "dose", message: t("declare.doseInvalid") });
    if (f.abroad && !/^[A-Za-z]{2}$/.test(f.country.trim())) out.push({ field: "country", message: t("declare.countryInvalid") });
    if (!f.abroad && !f.facility.trim()) out.push({ field: "facility", message: t("declare.facilityMissing") });
    if (photos.length === 0) out.push({ field: "photos", message: t("declare.photoMissing") });
    return out;
  }

  async function submit() {
    setBusy(true);
    const claim: Record<string, unknown> = {
      date: parseDate(f.date),
      vaccine: f.vaccine.trim(),
      lot: f.noLot ? "" : f.lot.trim(),
      dose_number: Number(f.dose),
    };
    if (f.abroad) claim.country = f.country.trim().toUpperCase();
    else claim.facility_code = f.facility.trim().toUpperCase();
    try {
      const r = await api<CorrectionRequest>("/api/v1/me/corrections", {
        body: { kind: "missing_dose", claim, note: f.note, photos: photos.map((p) => p.id) },
      });
      setDone(r);
    } catch (e) {
      setErrors([toFieldError(e, { date: "date", vaccine: "vaccine", lot: "lot", dose_number: "dose", facility_code: "facility", country: "country", photos: "photos" })]);
      setStep("form");
    } finally {
      setBusy(false);
    }
  }

  if (done) {
    return (
      <Layout title={t("declare.doneTitle")}>
        <div class="panel panel--success">
          <h1 tabIndex={-1}>{t("declare.doneTitle")}</h1>
          <p>{t("declare.tracking")}<br /><strong class="tracking">{done.tracking}</strong></p>
        </div>
        <p>{t("declare.doneBody")}</p>
        <p><Link href={`/me/corrections/${done.tracking}`}>{t("corr.follow")}</Link></p>
        <p><Link href="/me">{t("cert.back")}</Link></p>
      </Layout>
    );
  }

  const err = (k: string) => errors.find((e) => e.field === k)?.message;
  const text = (id: keyof Form, label: string, hint?: string, extra: Record<string, unknown> = {}) => (
    <Field id={id} label={label} hint={hint} error={err(id)}>
      <input id={id} name={id} class="input" value={f[id] as string} aria-describedby={describedBy(id, hint, err(id))}
        aria-invalid={err(id) ? true : undefined}
        onInput={(e) => set(id, (e.target as HTMLInputElement).value)} {...extra} />
    </Field>
  );
  return (
    <Layout title={t("declare.title")}>
      <ErrorSummary errors={errors} />
      <h1 tabIndex={-1}>{t("declare.title")}</h1>
      {step === "form" ? (
        <form noValidate onSubmit={(e) => { e.preventDefault(); const v = validate(); setErrors(v); if (!v.length) setStep("check"); }}>
          <p>{t("declare.intro")}</p>
          {text("date", t("declare.date"), t("signup.birthHint"), { inputMode: "numeric" })}
          {text("vaccine", t("dose.vaccine"), t("declare.vaccineHint"), { list: "vaccine-names", autoComplete: "off" })}
          <datalist id="vaccine-names">{COMMON_VACCINES.map((v) => <option key={v} value={v} />)}</datalist>
          {!f.noLot && text("lot", t("dose.lot"), t("declare.lotHint"))}
          <div class="checkbox">
            <input type="checkbox" id="noLot" checked={f.noLot} onChange={(e) => set("noLot", (e.target as HTMLInputElement).checked)} />
            <label for="noLot">{t("declare.noLot")}</label>
          </div>
          {text("dose", t("dose.number"), t("declare.doseHint"), { inputMode: "numeric", class: "input input--5" })}
          <fieldset class="fieldset">
            <legend>{t("declare.where")}</legend>
            <div class="radio">
              <input type="radio" id="where-vn" name="where" checked={!f.abroad} onChange={() => set("abroad", false)} />
              <label for="where-vn">{t("declare.inVietnam")}</label>
            </div>
            <div class="radio">
              <input type="radio" id="where-abroad" name="where" checked={f.abroad} onChange={() => set("abroad", true)} />
              <label for="where-abroad">{t("declare.abroad")}</label>
            </div>
          </fieldset>
          {f.abroad
            ? text("country", t("declare.country"), t("declare.countryHint"), { class: "input input--5", maxLength: 2 })
            : text("facility", t("declare.facility"), t("declare.facilityHint"))}
          <PhotoPicker id="photos" photos={photos} onChange={setPhotos} error={err("photos")} />
          <Field id="note" label={t("corr.note")} hint={t("corr.noteHint")}>
            <textarea id="note" class="textarea" rows={3} maxLength={1000} value={f.note}
              onInput={(e) => set("note", (e.target as HTMLTextAreaElement).value)} />
          </Field>
          <button class="button" type="submit">{t("common.continue")}</button>
        </form>
      ) : (
        <CheckAnswers
          rows={[
            [t("declare.date"), f.date],
            [t("dose.vaccine"), f.vaccine],
            [t("dose.lot"), f.noLot ? t("declare.noLot") : f.lot],
            [t("dose.number"), f.dose],
            [t("declare.where"), f.abroad ? f.country.toUpperCase() : f.facility.toUpperCase()],
            [t("photo.legend"), String(photos.length)],
          ]}
          submitLabel={t("declare.submit")} busy={busy} onSubmit={submit} onChange={() => setStep("form")} />
      )}
    </Layout>
  );
}
