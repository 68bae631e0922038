// People of the area to reach: not vaccinated, or overdue for their next dose; the first page on
// screen and the whole list as a CSV file for the commune teams.
import { useState } from "preact/hooks";
import { downloadPeopleCsv, peopleByStatus } from "../../api/area";
import { ListState } from "../../components/ListState";
import { ErrorNotice } from "../../components/Status";
import { useAsync } from "../../components/use_async";
import { formatDate } from "../../format";
import { t } from "../../i18n";
import { AreaFrame } from "./AreaFrame";

export function AreaPeople(_: { params: Record<string, string> }) {
  const [status, setStatus] = useState("unvaccinated");
  const list = useAsync((signal) => peopleByStatus(status, signal), [status]);
  const [error, setError] = useState<unknown>(undefined);
  return (
    <AreaFrame title={t("area.peopleTitle")}>
      <fieldset class="fieldset">
        <legend class="legend">{t("area.showStatus")}</legend>
        <label class="radio"><input type="radio" name="ps" checked={status === "unvaccinated"} onChange={() => setStatus("unvaccinated")} /> {t("area.unvaccinated")}</label>
        <label class="radio"><input type="radio" name="ps" checked={status === "overdue"} onChange={() => setStatus("overdue")} /> {t("area.overdue")}</label>
      </fieldset>
      <p><button type="button" class="button button--secondary" onClick={() => downloadPeopleCsv(status).catch(setError)}>{t("common.downloadCsv")}</button></p>
      {error !== undefined && <ErrorNotice error={error} />}
      <ListState state={list} empty={t("area.noPeople")} />
      {list.data && list.data.items.length > 0 && (
        <div class="table-wrap">
          <table class="table">
            <caption class="visually-hidden">{t("area.peopleTitle")}</caption>
            <thead><tr><th scope="col">{t("work.name")}</th><th scope="col">{t("work.dob")}</th><th scope="col">{t("area.phone")}</th><th scope="col">{t("area.commune")}</th><th scope="col">{t("area.nextDue")}</th></tr></thead>
            <tbody>
              {list.data.items.map((p) => (
                <tr key={p.id}><th scope="row">{p.full_name}</th><td>{formatDate(p.dob)}</td><td class="mono">{p.phone || "—"}</td><td class="mono">{p.commune_code || "—"}</td><td>{p.next_due_day ? formatDate(p.next_due_day) : "—"}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.data?.next_after_id && <p class="hint">{t("area.morePeople")}</p>}
    </AreaFrame>
  );
}
