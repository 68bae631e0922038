// The area's correction queue: open requests, the most urgent first, with the time left of
// their 48-hour deadline, escalations and overdue ones marked.
import { useState } from "preact/hooks";
import { correctionQueue } from "../../api/area";
import { Link } from "../../components/Link";
import { ListState } from "../../components/ListState";
import { useAsync } from "../../components/use_async";
import { t } from "../../i18n";
import { RequestState, kindLabel } from "../CorrectionList";
import { AreaFrame } from "./AreaFrame";

export function AreaCorrections(_: { params: Record<string, string> }) {
  const [status, setStatus] = useState("open");
  const list = useAsync((signal) => correctionQueue(status, signal), [status]);
  const items = [...(list.data?.items ?? [])].sort((a, b) => a.seconds_left - b.seconds_left);
  return (
    <AreaFrame title={t("area.correctionsTitle")}>
      <fieldset class="fieldset">
        <legend class="legend">{t("area.showStatus")}</legend>
        {["open", "info_needed", "approved", "rejected"].map((st) => (
          <label key={st} class="radio"><input type="radio" name="status" checked={status === st} onChange={() => setStatus(st)} /> {t(`corr.status.${st}` as never)}</label>
        ))}
      </fieldset>
      <ListState state={list} empty={t("area.noCorrections")} />
      {items.length > 0 && (
        <ul class="request-list">
          {items.map((r) => (
            <li key={r.id} class="request">
              <h2 class="h3"><Link href={`/area/corrections/${r.id}`}>{kindLabel(r.kind)} · {r.tracking}</Link></h2>
              <RequestState r={r} />
              {r.escalations > 0 && <p class="text-warning">{t("area.escalated", { n: r.escalations })}</p>}
            </li>
          ))}
        </ul>
      )}
    </AreaFrame>
  );
}
