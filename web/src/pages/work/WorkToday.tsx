// The facility's day: what was given and recorded today (facilities upload every dose the day it
// is given), check-ins still without a dose, doses not yet signed (step 2 of a certificate, with
// a button to sign them), and the stock per vaccine.
import { useState } from "preact/hooks";
import { facilityDay, signDoses, type SignedBatch } from "../../api/work";
import { Link } from "../../components/Link";
import { ErrorNotice, Loading } from "../../components/Status";
import { useAsync } from "../../components/use_async";
import { formatDate, formatNumber } from "../../format";
import { t } from "../../i18n";
import { WorkFrame, myFacility } from "./WorkFrame";

export function WorkToday(_: { params: Record<string, string> }) {
  const code = myFacility();
  const day = useAsync((signal) => facilityDay(code, signal), [code]);
  const [signed, setSigned] = useState<SignedBatch | null>(null);
  const [signError, setSignError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  async function sign() {
    setBusy(true);
    setSignError(undefined);
    try {
      setSigned(await signDoses(code));
      day.reload();
    } catch (e) {
      setSignError(e);
    } finally {
      setBusy(false);
    }
  }

  const d = day.data;
  const title = d ? t("work.todayTitle", { facility: d.facility.name }) : t("work.tab.today");
  return (
    <WorkFrame title={title}>
      {day.loading && !d && <Loading />}
      {day.error !== undefined && <ErrorNotice error={day.error} retry={day.reload} />}
      {d && (
        <>
          <p class="lead">{formatDate(d.day)}</p>
          <ul class="stat-cards">
            <li><span class="stat-value">{formatNumber(d.tally.given)}</span> <span class="stat-label">{t("work.given")}</span></li>
            <li><span class="stat-value">{formatNumber(d.tally.recorded)}</span> <span class="stat-label">{t("work.recorded")}</span></li>
            <li><span class="stat-value">{formatNumber(d.tally.checked_in)} / {formatNumber(d.tally.bookings)}</span> <span class="stat-label">{t("work.checkedIn")}</span></li>
          </ul>
          {d.tally.recorded_late > 0 && <p class="notice" role="status">{t("work.recordedLate", { n: d.tally.recorded_late })}</p>}
          {d.tally.checked_in_without_dose > 0 ? (
            <p class="notice notice--error" role="status">
              {t("work.withoutDose", { n: d.tally.checked_in_without_dose })} <Link href="/work/checkin">{t("work.tab.checkin")}</Link>
            </p>
          ) : (
            <p>{t("work.allRecorded")}</p>
          )}
          <h2>{t("work.signTitle")}</h2>
          <p>{t("work.unsigned", { n: d.tally.unsigned_doses })}</p>
          {signed && <p class="notice" role="status">{t("work.signedNow", { n: signed.doses_signed, left: signed.remaining })}</p>}
          {signError !== undefined && <ErrorNotice error={signError} />}
          <button type="button" class="button" onClick={sign} disabled={busy || d.tally.unsigned_doses === 0}>{t("work.sign")}</button>
          <h2>{t("work.stockTitle")}</h2>
          {d.stock.length === 0 ? <p>{t("work.noStock")}</p> : (
            <div class="table-wrap">
              <table class="table">
                <thead><tr><th scope="col">{t("work.vaccine")}</th><th scope="col">{t("work.received")}</th><th scope="col">{t("work.used")}</th><th scope="col">{t("work.available")}</th></tr></thead>
                <tbody>
                  {d.stock.map((s) => (
                    <tr key={s.vaccine} class={s.available <= 0 ? "row--muted" : undefined}>
                      <th scope="row">{s.vaccine}</th><td>{formatNumber(s.received)}</td><td>{formatNumber(s.used)}</td><td>{formatNumber(s.available)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </WorkFrame>
  );
}
