// The facility's correction inbox: citizens' requests about doses given here, with the time
// left of their 48-hour deadline; each opens in the handler's view.
import { api } from "../../api/client";
import type { CorrectionRequest } from "../../api/corrections";
import { ListState } from "../../components/ListState";
import { useAsync } from "../../components/use_async";
import { t } from "../../i18n";
import { RequestState, kindLabel } from "../CorrectionList";
import { WorkFrame } from "./WorkFrame";

export function WorkCorrections(_: { params: Record<string, string> }) {
  const list = useAsync((signal) => api<{ items: CorrectionRequest[] }>("/api/v1/corrections?status=open", { signal }), []);
  return (
    <WorkFrame title={t("work.correctionsTitle")}>
      <ListState state={list} empty={t("work.correctionsNone")} />
      {list.data && list.data.items.length > 0 && (
        <ul class="request-list">
          {list.data.items.map((r) => (
            <li key={r.id} class="request">
              <h2 class="h3">{kindLabel(r.kind)} · {r.tracking}</h2>
              <RequestState r={r} />
            </li>
          ))}
        </ul>
      )}
    </WorkFrame>
  );
}
