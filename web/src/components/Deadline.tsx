import type { CorrectionRequest } from "../api/corrections";
import { formatDateTime } from "../format";
import { t } from "../i18n";

// Where a request stands against its 48-hour deadline, in words.
export function Deadline({ r }: { r: CorrectionRequest }) {
  if (r.status === "approved" || r.status === "rejected") {
    return <span>{t("corr.decidedAt", { at: formatDateTime(r.decided_at ?? 0) })}</span>;
  }
  if (r.clock_stopped) return <span>{t("corr.clockStopped")}</span>;
  if (r.overdue) return <span class="text-warning">{t("corr.overdue", { at: formatDateTime(r.due_at) })}</span>;
  const hours = Math.max(0, Math.floor(r.seconds_left / 3600));
  return <span>{t("corr.dueIn", { hours, at: formatDateTime(r.due_at) })}</span>;
}
