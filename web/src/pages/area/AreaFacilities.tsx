// Facilities of the area: applications to approve, active facilities to suspend with a reason.
import { useState } from "preact/hooks";
import { areaFacilities, decideFacility, type FacilityRow } from "../../api/area";
import { Field } from "../../components/Field";
import { ListState } from "../../components/ListState";
import { ErrorNotice } from "../../components/Status";
import { useAsync } from "../../components/use_async";
import { t } from "../../i18n";
import { AreaFrame, myProvince } from "./AreaFrame";

function Decide({ f, onDone }: { f: FacilityRow; onDone: (msg: string) => void }) {
  const [reason, setReason] = useState("");
  const [error, setError] = useState<unknown>(undefined);
  async function run(approve: boolean) {
    try {
      await decideFacility(f.code, approve, reason.trim());
      onDone(t(approve ? "area.facilityApproved" : "area.facilitySuspended", { name: f.name }));
    } catch (e) {
      setError(e);
    }
  }
  if (f.status !== "active") {
    return (
      <>
        {error !== undefined && <ErrorNotice error={error} />}
        <button type="button" class="button" onClick={() => run(true)}>{t("area.approveFacility")}<span class="visually-hidden"> {f.name}</span></button>
      </>
    );
  }
  const id = `suspend-${f.code}`;
  return (
    <form onSubmit={(e) => { e.preventDefault(); run(false); }}>
      <Field id={id} label={t("area.suspendReason")}>
        <input id={id} class="input" value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
      </Field>
      {error !== undefined && <ErrorNotice error={error} />}
      <button type="submit" class="button button--warning" disabled={!reason.trim()}>{t("area.suspend")}<span class="visually-hidden"> {f.name}</span></button>
    </form>
  );
}

export function AreaFacilities(_: { params: Record<string, string> }) {
  const [status, setStatus] = useState("applied");
  const [notice, setNotice] = useState<string | null>(null);
  const list = useAsync((signal) => areaFacilities(status, myProvince(), signal), [status]);
  return (
    <AreaFrame title={t("area.facilitiesTitle")}>
      <fieldset class="fieldset">
        <legend class="legend">{t("area.showStatus")}</legend>
        {["applied", "active", "suspended"].map((st) => (
          <label key={st} class="radio"><input type="radio" name="fs" checked={status === st} onChange={() => setStatus(st)} /> {t(`area.facility.${st}` as never)}</label>
        ))}
      </fieldset>
      {notice && <p class="notice" role="status">{notice}</p>}
      <ListState state={list} empty={t("area.noFacilities")} />
      {list.data && list.data.items.length > 0 && (
        <div class="table-wrap">
          <table class="table">
            <caption class="visually-hidden">{t("area.facilitiesTitle")}</caption>
            <thead><tr><th scope="col">{t("area.facilityName")}</th><th scope="col">{t("admin.facility")}</th><th scope="col"><span class="visually-hidden">{t("work.action")}</span></th></tr></thead>
            <tbody>
              {list.data.items.map((f) => (
                <tr key={f.code}><th scope="row">{f.name}</th><td class="mono">{f.code}</td><td><Decide f={f} onDone={(m) => { setNotice(m); list.reload(); }} /></td></tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </AreaFrame>
  );
}
