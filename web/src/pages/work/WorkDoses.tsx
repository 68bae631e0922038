// The doses the facility gave today or recorded today, and voiding a dose entered in error with
// a reason (the dose stays in the record, marked voided, and stops counting).
import { useState } from "preact/hooks";
import { facilityDoses, voidDose, type FacilityDose } from "../../api/work";
import { Field } from "../../components/Field";
import { ErrorNotice } from "../../components/Status";
import { ListState } from "../../components/ListState";
import { useAsync } from "../../components/use_async";
import { formatDateTime, todayIso } from "../../format";
import { t } from "../../i18n";
import { WorkFrame, myFacility } from "./WorkFrame";

function VoidForm({ dose, onDone }: { dose: FacilityDose; onDone: () => void }) {
  const [reason, setReason] = useState("");
  const [error, setError] = useState<unknown>(undefined);
  const id = `void-${dose.id}`;
  async function submit(e: Event) {
    e.preventDefault();
    try {
      await voidDose(dose.id, reason.trim());
      onDone();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <form onSubmit={submit} noValidate>
      <Field id={id} label={t("work.voidReason")}>
        <input id={id} class="input" value={reason} maxLength={500} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
      </Field>
      {error !== undefined && <ErrorNotice error={error} />}
      <button type="submit" class="button button--warning" disabled={!reason.trim()}>{t("work.voidConfirm")}</button>
    </form>
  );
}

export function WorkDoses(_: { params: Record<string, string> }) {
  const code = myFacility();
  const [which, setWhich] = useState<"given_day" | "recorded_day">("given_day");
  const doses = useAsync((signal) => facilityDoses(code, which, todayIso(), signal), [code, which]);
  const [voiding, setVoiding] = useState<number | null>(null);
  return (
    <WorkFrame title={t("work.dosesTitle")}>
      <fieldset class="fieldset">
        <legend class="legend">{t("work.dosesWhich")}</legend>
        <label class="radio"><input type="radio" name="which" checked={which === "given_day"} onChange={() => setWhich("given_day")} /> {t("work.givenToday")}</label>
        <label class="radio"><input type="radio" name="which" checked={which === "recorded_day"} onChange={() => setWhich("recorded_day")} /> {t("work.recordedToday")}</label>
      </fieldset>
      <ListState state={doses} empty={t("work.noDoses")} />
      {doses.data && doses.data.items.length > 0 && (
        <div class="table-wrap">
          <table class="table">
            <caption class="visually-hidden">{t("work.dosesTitle")}</caption>
            <thead><tr><th scope="col">{t("work.name")}</th><th scope="col">{t("work.dose")}</th><th scope="col">{t("work.vaccine")}</th><th scope="col">{t("work.lot")}</th><th scope="col">{t("work.givenAt")}</th><th scope="col"><span class="visually-hidden">{t("work.action")}</span></th></tr></thead>
            <tbody>
              {doses.data.items.map((d) => (
                <tr key={d.id} class={d.status === "voided" ? "row--muted" : undefined}>
                  <th scope="row">{d.person.full_name}</th>
                  <td>{d.dose_number}</td>
                  <td>{d.vaccine}</td>
                  <td class="mono">{d.lot || "—"}</td>
                  <td>{formatDateTime(d.administered_at)}</td>
                  <td>
                    {d.status === "voided" ? <span>{t("work.voided")}</span> : voiding === d.id ? (
                      <VoidForm dose={d} onDone={() => { setVoiding(null); doses.reload(); }} />
                    ) : (
                      <button type="button" class="button button--secondary" onClick={() => setVoiding(d.id)}>
                        {t("work.void")}<span class="visually-hidden"> {t("work.voidNamed", { name: d.person.full_name, n: d.dose_number })}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </WorkFrame>
  );
}
