// The area's data-cleaning queue: rows facilities sent that failed a check, kept with their
// reason; the handler corrects and sends a row again, or rejects it with a reason.
import { quarantinedRows } from "../../api/work";
import { KeptRows } from "../../components/KeptRow";
import { useAsync } from "../../components/use_async";
import { t } from "../../i18n";
import { AreaFrame } from "./AreaFrame";

export function AreaCleaning(_: { params: Record<string, string> }) {
  const kept = useAsync((signal) => quarantinedRows("open", signal), []);
  return (
    <AreaFrame title={t("area.cleaningTitle")}>
      <p>{t("area.cleaningLead")}</p>
      <KeptRows kept={kept} mayOverride />
    </AreaFrame>
  );
}
