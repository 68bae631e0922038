// Public statistics: headline figures, doses per day with the 7-day average, coverage by province
// (tile map + sortable table, or the districts of one province), supply with the given/allocated
// ranking, registrations per day. Every table has a CSV download and an "as of" time.
import { memo } from "preact/compat";
import { useState } from "preact/hooks";
import { coverage, dailyDoses, registrations, supply, type Coverage, type CoverageRow, type SupplyRow } from "../api/stats";
import { DailyChart } from "../components/DailyChart";
import { Layout } from "../components/Layout";
import { SortableTable, type Column } from "../components/SortableTable";
import { ErrorNotice, Loading } from "../components/Status";
import { TileMap } from "../components/TileMap";
import { useAsync, type AsyncState } from "../components/use_async";
import { WhenVisible } from "../components/WhenVisible";
import { compareNames, formatDate, formatDateTime, formatNumber, formatPercent } from "../format";
import { lang, t, hasMessage } from "../i18n";

const share = (n: number, d: number) => (d > 0 ? n / d : null);

function AsOf({ at, csv }: { at: string; csv: string }) {
  return (
    <p class="hint">
      {at && t("common.asOf", { at: formatDateTime(at) })}{" · "}
      <a href={csv} download>{t("common.downloadCsv")}</a>
    </p>
  );
}

// The four headline figures. Drawn at once with placeholders, in the same shape as with figures,
// so nothing below moves when they arrive.
function Headline({ national, totalDoses }: { national?: CoverageRow; totalDoses: number | null }) {
  const pop = national?.population ?? 0;
  const items = [
    { label: t("stats.atLeastOne"), value: national?.at_least_one_dose },
    { label: t("stats.fully"), value: national?.fully_vaccinated },
    { label: t("stats.booster"), value: national?.booster },
    { label: t("stats.totalDoses"), value: totalDoses ?? undefined, total: true },
  ];
  return (
    <ul class="stat-cards">
      {items.map((i) => (
        <li key={i.label}>
          <span class="stat-value">{formatNumber(i.value)}</span>
          <span class="stat-label">{i.label}</span>
          <span class="stat-label">
            {!i.total && pop > 0 && i.value !== undefined ? t("stats.ofPopulation", { pct: formatPercent(share(i.value, pop)) }) : "\u00a0"}
          </span>
        </li>
      ))}
    </ul>
  );
}

// Sections are memoised (the page re-renders as each figure arrives); `lang` is a prop so that a
// language switch still re-renders them.
const CoverageSection = memo(function CoverageSection({ provinces }: { provinces: AsyncState<Coverage>; lang: string }) {
  const [province, setProvince] = useState("");
  const level = province ? "district" : "province";
  const districts = useAsync((s) => (province ? coverage("district", province, s) : Promise.resolve(null)), [province]);
  const cov = province ? { data: districts.data ?? undefined, error: districts.error, loading: districts.loading, reload: districts.reload } : provinces;
  const columns: Column<CoverageRow>[] = [
    { key: "name", label: level === "district" ? t("stats.district") : t("stats.province"), value: (r) => r.name },
    { key: "population", label: t("stats.population"), value: (r) => r.population, render: (r) => formatNumber(r.population), numeric: true },
    { key: "one", label: t("stats.pctOne"), value: (r) => share(r.at_least_one_dose, r.population) ?? -1, render: (r) => formatPercent(share(r.at_least_one_dose, r.population)), numeric: true },
    { key: "fully", label: t("stats.pctFully"), value: (r) => share(r.fully_vaccinated, r.population) ?? -1, render: (r) => formatPercent(share(r.fully_vaccinated, r.population)), numeric: true },
    { key: "booster", label: t("stats.pctBooster"), value: (r) => share(r.booster, r.population) ?? -1, render: (r) => formatPercent(share(r.booster, r.population)), numeric: true },
  ];
  const csv = province ? `/api/v1/stats/coverage?level=district&province=${province}&format=csv` : "/api/v1/stats/coverage?level=province&format=csv";
  return (
    <section aria-labelledby="coverage-title">
      <h2 id="coverage-title">{t("stats.coverage")}</h2>
      {provinces.data && (
        <div class="field">
          <label for="coverage-province">{t("stats.chooseProvince")}</label>
          <select id="coverage-province" class="select" value={province} onChange={(e) => setProvince((e.target as HTMLSelectElement).value)}>
            <option value="">{t("common.all")}</option>
            {[...provinces.data.items].sort((a, b) => compareNames(a.name, b.name)).map((p) => <option key={p.code} value={p.code}>{p.name}</option>)}
          </select>
        </div>
      )}
      {cov.loading && !cov.data && <Loading />}
      {cov.error !== undefined && <ErrorNotice error={cov.error} retry={cov.reload} />}
      {cov.data && (
        <>
          {level === "province" && (
            <TileMap label={t("stats.coverage")}
              data={cov.data.items.map((r) => ({ code: r.code, name: r.name, share: share(r.fully_vaccinated, r.population) }))} />
          )}
          {cov.data.denominator && hasMessage(`stats.denominator.${cov.data.denominator}`) && (
            <p class="hint">{t(`stats.denominator.${cov.data.denominator}` as never)}</p>
          )}
          <SortableTable caption={t("stats.coverage")} columns={columns} rows={cov.data.items} rowKey={(r) => r.code}
            initialSort={{ key: "fully", descending: true }} />
          <AsOf at={cov.data.as_of} csv={csv} />
        </>
      )}
    </section>
  );
});

const SupplySection = memo(function SupplySection(_: { lang: string }) {
  const sup = useAsync((s) => supply(s), []);
  const columns: Column<SupplyRow>[] = [
    { key: "name", label: t("stats.province"), value: (r) => r.name },
    { key: "delivered", label: t("stats.delivered"), value: (r) => r.delivered, render: (r) => formatNumber(r.delivered), numeric: true },
    { key: "allocated", label: t("stats.allocated"), value: (r) => r.allocated, render: (r) => formatNumber(r.allocated), numeric: true },
    { key: "given", label: t("stats.given"), value: (r) => r.given, render: (r) => formatNumber(r.given), numeric: true },
    { key: "ratio", label: t("stats.ratio"), value: (r) => r.ratio ?? -1, render: (r) => formatPercent(r.ratio), numeric: true },
    { key: "rank", label: t("stats.rank"), value: (r) => r.rank ?? 9999, render: (r) => (r.rank === null ? "—" : String(r.rank)), numeric: true },
  ];
  return (
    <section aria-labelledby="supply-title" class="lazy-section">
      <h2 id="supply-title">{t("stats.supply")}</h2>
      <p>{t("stats.supplyDesc")}</p>
      {sup.loading && !sup.data && <Loading />}
      {sup.error !== undefined && <ErrorNotice error={sup.error} retry={sup.reload} />}
      {sup.data && (
        <>
          <SortableTable caption={t("stats.supply")} columns={columns} rows={sup.data.items} rowKey={(r) => r.code}
            initialSort={{ key: "rank", descending: false }} />
          <AsOf at={sup.data.as_of} csv="/api/v1/stats/supply?format=csv" />
        </>
      )}
    </section>
  );
});

function DailyTable({ rows, valueLabel }: { rows: { day: string; value: number; avg7?: number }[]; valueLabel: string }) {
  const recent = rows.slice(-14).reverse();
  return (
    <div class="table-wrap" role="region" tabIndex={0} aria-label={valueLabel}>
      <table class="table">
        <caption class="visually-hidden">{valueLabel}</caption>
        <thead><tr><th scope="col">{t("stats.day")}</th><th scope="col" class="num">{valueLabel}</th>{recent.some((r) => r.avg7 !== undefined) && <th scope="col" class="num">{t("stats.avg7")}</th>}</tr></thead>
        <tbody>
          {recent.map((r) => (
            <tr key={r.day}><th scope="row">{formatDate(r.day)}</th><td class="num">{formatNumber(r.value)}</td>{r.avg7 !== undefined && <td class="num">{formatNumber(Math.round(r.avg7))}</td>}</tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const Registrations = memo(function Registrations(_: { lang: string }) {
  const regs = useAsync((s) => registrations(s), []);
  return (
    <section aria-labelledby="reg-title" class="lazy-section">
        <h2 id="reg-title">{t("stats.registrations")}</h2>
        {regs.loading && !regs.data && <Loading />}
        {regs.error !== undefined && <ErrorNotice error={regs.error} retry={regs.reload} />}
        {regs.data && regs.data.items.length === 0 && <p>{t("stats.noData")}</p>}
        {regs.data && regs.data.items.length > 0 && (
          <>
            <DailyChart label={t("stats.registrations")} points={regs.data.items.map((d) => ({ day: d.day, value: d.registrations }))} />
            <DailyTable valueLabel={t("stats.registrationsCount")} rows={regs.data.items.map((d) => ({ day: d.day, value: d.registrations }))} />
          </>
        )}
        {regs.data && <AsOf at={regs.data.as_of} csv="/api/v1/stats/registrations?level=national&format=csv" />}
    </section>
  );
});

export function Stats(_: { params: Record<string, string> }) {
  const national = useAsync((s) => coverage("province", "", s), []);
  const daily = useAsync((s) => dailyDoses(s), []);
  const total = daily.data ? daily.data.items.reduce((a, b) => a + b.doses, 0) : null;
  return (
    <Layout title={t("stats.title")}>
      <h1 tabIndex={-1}>{t("stats.title")}</h1>
      <p class="lead">{t("stats.lead")}</p>
      <Headline national={national.data?.national} totalDoses={total} />
      {national.error !== undefined && <ErrorNotice error={national.error} retry={national.reload} />}

      <section aria-labelledby="daily-title">
        <h2 id="daily-title">{t("stats.daily")}</h2>
        <p class="hint">{t("stats.dailyDesc")}</p>
        <div class="reserve-chart">
        {daily.loading && !daily.data && <Loading />}
        {daily.error !== undefined && <ErrorNotice error={daily.error} retry={daily.reload} />}
        {daily.data && daily.data.items.length === 0 && <p>{t("stats.noData")}</p>}
        {daily.data && daily.data.items.length > 0 && (
          <>
            <DailyChart label={t("stats.daily")} points={daily.data.items.map((d) => ({ day: d.day, value: d.doses, avg7: d.avg7 }))} />
            <DailyTable valueLabel={t("stats.doses")} rows={daily.data.items.map((d) => ({ day: d.day, value: d.doses, avg7: d.avg7 }))} />
            <AsOf at={daily.data.as_of} csv="/api/v1/stats/doses?level=national&format=csv" />
          </>
        )}
        </div>
      </section>

      <WhenVisible minHeight="40rem"><CoverageSection provinces={national} lang={lang.get()} /></WhenVisible>
      <WhenVisible minHeight="40rem"><SupplySection lang={lang.get()} /></WhenVisible>
      <WhenVisible minHeight="30rem"><Registrations lang={lang.get()} /></WhenVisible>

    </Layout>
  );
}
