// The response centre: doses recorded and certificates issued per hour over the last day,
// facilities that have recorded nothing today, correction backlog and deadline breaches by
// province, and the server's health from /metrics; refreshed every 15 seconds.
import { useEffect, useRef, useState } from "preact/hooks";
import { correctionReport, opsOverview, serverMetrics, sum, type HourCount, type Sample } from "../../api/ops";
import { ErrorNotice, Loading } from "../../components/Status";
import { allAnswered, useAsync } from "../../components/use_async";
import { formatDateTime, formatHour, formatNumber } from "../../format";
import { t } from "../../i18n";
import { AreaFrame } from "./AreaFrame";

const REFRESH_MS = 15000;

// Bars per hour with the same numbers in a table for screen readers and keyboard users.
function Hours({ id, title, hours }: { id: string; title: string; hours: HourCount[] }) {
  const max = Math.max(1, ...hours.map((h) => h.count));
  const total = hours.reduce((a, h) => a + h.count, 0);
  const [opened, setOpened] = useState(false);
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <p>{t("ops.last24", { n: formatNumber(total) })}</p>
      <div class="hour-bars" aria-hidden="true">
        {hours.map((h) => <span key={h.hour} style={{ height: `${(100 * h.count) / max}%` }} title={`${formatHour(h.hour)}: ${h.count}`} />)}
      </div>
      {/* The table is built when first opened: most visits never open it, and the page refreshes
          every 15 s. */}
      <details onToggle={(e) => setOpened(opened || (e.currentTarget as HTMLDetailsElement).open)}>
        <summary>{t("ops.table")}</summary>
        {opened && (
          <div class="table-wrap">
            <table class="table">
              <caption class="visually-hidden">{title}</caption>
              <thead><tr><th scope="col">{t("ops.hour")}</th><th scope="col">{t("ops.count")}</th></tr></thead>
              <tbody>{hours.map((h) => <tr key={h.hour}><th scope="row">{formatHour(h.hour)}</th><td>{formatNumber(h.count)}</td></tr>)}</tbody>
            </table>
          </div>
        )}
      </details>
    </section>
  );
}

function Health({ now, before, seconds }: { now: Sample[]; before: Sample[] | null; seconds: number }) {
  const requests = (s: Sample[]) => sum(s, "vaxreg_http_request_duration_seconds_count");
  const errors = (s: Sample[]) => sum(s, "vaxreg_http_request_duration_seconds_count", (l) => (l.status ?? "").startsWith("5"));
  const verifies = (s: Sample[]) => sum(s, "vaxreg_http_request_duration_seconds_count", (l) => l.route === "/api/v1/verify");
  const rate = (f: (s: Sample[]) => number) => (before && seconds > 0 ? ((f(now) - f(before)) / seconds).toFixed(1) : "—");
  const gauge = (name: string) => formatNumber(sum(now, name));
  return (
    <section aria-labelledby="health-title">
      <h2 id="health-title">{t("ops.health")}</h2>
      <ul class="stat-cards">
        <li><span class="stat-value">{rate(requests)}</span> <span class="stat-label">{t("ops.requestsPerSecond")}</span></li>
        <li><span class="stat-value">{formatNumber(errors(now))}</span> <span class="stat-label">{t("ops.serverErrors")}</span></li>
        <li><span class="stat-value">{rate(verifies)}</span> <span class="stat-label">{t("ops.verifiesPerSecond")}</span></li>
        <li><span class="stat-value">{gauge("vaxreg_http_connections_active")}</span> <span class="stat-label">{t("ops.connections")}</span></li>
        <li><span class="stat-value">{gauge("vaxreg_dsc_days_left")}</span> <span class="stat-label">{t("ops.dscDays")}</span></li>
        <li><span class="stat-value">{gauge("vaxreg_certificate_refresh_queued")}</span> <span class="stat-label">{t("ops.refreshQueued")}</span></li>
      </ul>
    </section>
  );
}

export function Operations(_: { params: Record<string, string> }) {
  const [tick, setTick] = useState(0);
  const [live, setLive] = useState(true);
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => setTick((n) => n + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, [live]);
  const overview = useAsync((signal) => opsOverview(signal), [tick]);
  const report = useAsync((signal) => correctionReport(signal), [tick]);
  const metrics = useAsync((signal) => serverMetrics(signal), [tick]);
  // The scrape before the current one and the seconds between them, for rates; worked out in
  // render when a new scrape arrives (a state update would draw the whole page twice).
  const scrapes = useRef<{ now: Sample[] | null; at: number; before: Sample[] | null; seconds: number }>(
    { now: null, at: 0, before: null, seconds: 0 });
  if (metrics.data && metrics.data !== scrapes.current.now) {
    const at = Date.now();
    const last = scrapes.current;
    scrapes.current = last.now
      ? { now: metrics.data, at, before: last.now, seconds: (at - last.at) / 1000 }
      : { now: metrics.data, at, before: null, seconds: 0 };
  }
  const rates = scrapes.current;
  const o = overview.data;
  return (
    <AreaFrame title={t("ops.title")}>
      <p class="hint">
        {o ? t("ops.asOf", { at: formatDateTime(o.as_of) }) : ""}{" "}
        <button type="button" class="link-button" aria-pressed={live} onClick={() => setLive(!live)}>{live ? t("ops.pause") : t("ops.resume")}</button>
      </p>
      {!allAnswered(overview, report, metrics) ? <Loading /> : <>
      {overview.error !== undefined && <ErrorNotice error={overview.error} retry={overview.reload} />}
      {o && (
        <div class="side-by-side">
          <Hours id="doses-title" title={t("ops.doses")} hours={o.doses_per_hour} />
          <Hours id="certs-title" title={t("ops.certificates")} hours={o.certificates_per_hour} />
        </div>
      )}
      {o && (
        <section aria-labelledby="silent-title">
          <h2 id="silent-title">{t("ops.silent", { n: formatNumber(o.silent_facilities.total) })}</h2>
          {o.silent_facilities.total === 0 ? <p>{t("ops.noneSilent")}</p> : (
            <ul class="columns">{o.silent_facilities.items.map((f) => <li key={f.code}>{f.name} <span class="mono hint">{f.code}</span></li>)}</ul>
          )}
        </section>
      )}
      {report.data && (
        <section aria-labelledby="backlog-title">
          <h2 id="backlog-title">{t("ops.backlog")}</h2>
          <div class="table-wrap">
            <table class="table">
              <caption class="visually-hidden">{t("ops.backlog")}</caption>
              <thead><tr><th scope="col">{t("ops.unit")}</th><th scope="col">{t("ops.open")}</th><th scope="col">{t("ops.overdue")}</th><th scope="col">{t("ops.escalated")}</th><th scope="col">{t("ops.inTime")}</th></tr></thead>
              <tbody>
                {[...report.data.rows].sort((a, b) => b.overdue - a.overdue || b.open - a.open).map((r) => (
                  <tr key={r.unit} class={r.overdue > 0 ? "row--differs" : undefined}>
                    <th scope="row">{r.unit}</th><td>{formatNumber(r.open)}</td><td>{formatNumber(r.overdue)}</td><td>{formatNumber(r.escalated)}</td>
                    <td>{r.decided ? `${formatNumber(r.decided_within_deadline)}/${formatNumber(r.decided)}` : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
      {metrics.data && <Health now={metrics.data} before={rates.before} seconds={rates.seconds} />}
      </>}
    </AreaFrame>
  );
}
