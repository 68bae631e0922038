// "My record": status colour, doses (pending self-declared ones marked), the next dose, and the
// citizen's other pages.
import { api, ApiError } from "../api/client";
import { session } from "../api/session";
import type { PersonRecord } from "../api/types";
import { Layout } from "../components/Layout";
import { Link } from "../components/Link";
import { ErrorNotice, Loading } from "../components/Status";
import { StatusBanner } from "../components/StatusBanner";
import { useAsync } from "../components/use_async";
import { formatDate } from "../format";
import { t, hasMessage } from "../i18n";
import { navigate } from "../router";

export function doseState(display: string): string {
  const key = `dose.${display}`;
  return hasMessage(key) ? t(key) : display;
}

export function MyRecord(_: { params: Record<string, string> }) {
  const rec = useAsync((signal) => api<PersonRecord>("/api/v1/me/record", { signal }), []);

  async function logout() {
    try {
      await api("/api/v1/auth/logout", { method: "POST" });
    } catch {
      // Signed out here either way.
    }
    session.set(null);
    navigate("/", true);
  }

  return (
    <Layout title={t("me.title")}>
      <h1 tabIndex={-1}>{t("me.title")}</h1>
      {rec.loading && !rec.data && <Loading />}
      {rec.error instanceof ApiError && rec.error.status === 404 && (
        <div class="notice"><p>{t("me.noRecord")}</p></div>
      )}
      {rec.error !== undefined && !(rec.error instanceof ApiError && rec.error.status === 404) && (
        <ErrorNotice error={rec.error} retry={rec.reload} />
      )}
      {rec.data && (
        <>
          <dl class="summary-list">
            <div><dt>{t("me.name")}</dt><dd>{rec.data.person.full_name}</dd></div>
            <div><dt>{t("me.birth")}</dt><dd>{formatDate(rec.data.person.dob)}</dd></div>
            {rec.data.person.cccd && <div><dt>{t("login.cccd")}</dt><dd>{rec.data.person.cccd}</dd></div>}
          </dl>
          <StatusBanner status={rec.data.status.status} colour={rec.data.status.colour} />
          {rec.data.next_dose && (
            <p>
              {t("me.nextDose", { n: rec.data.next_dose.dose_number, date: formatDate(rec.data.next_dose.earliest_date) })}
            </p>
          )}
          <h2>{t("me.doses")}</h2>
          {rec.data.doses.length === 0 ? (
            <p>{t("me.noDoses")}</p>
          ) : (
            <div class="table-wrap" role="region" tabIndex={0} aria-label={t("me.doses")}>
              <table class="table">
                <caption class="visually-hidden">{t("me.doses")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("dose.number")}</th>
                    <th scope="col">{t("dose.date")}</th>
                    <th scope="col">{t("dose.vaccine")}</th>
                    <th scope="col">{t("dose.lot")}</th>
                    <th scope="col">{t("dose.place")}</th>
                    <th scope="col">{t("dose.state")}</th>
                  </tr>
                </thead>
                <tbody>
                  {rec.data.doses.map((d) => (
                    <tr key={d.id} class={d.display !== "counted" ? "row--muted" : undefined}>
                      <td>{d.dose_number}</td>
                      <td>{formatDate(d.administered_at)}</td>
                      <td>{d.vaccine}</td>
                      <td>{d.lot || "—"}</td>
                      <td>{d.facility_code || "—"}</td>
                      <td>{doseState(d.display)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
      <h2>{t("me.actions")}</h2>
      <ul class="action-list">
        <li><Link href="/me/certificate">{t("me.certificate")}</Link></li>
        <li><Link href="/me/bookings">{t("me.bookings")}</Link></li>
        <li><Link href="/me/declare">{t("me.declare")}</Link></li>
        <li><Link href="/me/corrections">{t("me.corrections")}</Link></li>
      </ul>
      <button type="button" class="button button--secondary" onClick={logout}>{t("me.logout")}</button>
    </Layout>
  );
}
