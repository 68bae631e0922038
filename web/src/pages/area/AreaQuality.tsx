// Data quality of the area: how many records are verified against the population register, how
// many wait for review, suspected duplicates and continuity conflicts; and the duplicate records
// proposed for merging, each merged (undoable at once) or rejected; and what facilities sent this
// week: rows kept for cleaning by reason and outcome, time to clean, facilities ranked by rows
// kept per 1,000 doses they sent.
import { useState } from "preact/hooks";
import { decideDuplicate, importQuality, mergeProposals, qualityReport, type ImportQuality, type MergePerson, type MergeProposal } from "../../api/area";
import { ListState } from "../../components/ListState";
import { ErrorNotice, Loading } from "../../components/Status";
import { useAction } from "../../components/use_action";
import { allAnswered, useAsync } from "../../components/use_async";
import { formatDate, formatNumber } from "../../format";
import { t, type MessageKey } from "../../i18n";
import { AreaFrame } from "./AreaFrame";

const FIGURES: { key: "people" | "verified" | "unverified" | "open_reviews" | "not_found" | "suspected_duplicates" | "continuity_conflicts"; label: MessageKey }[] = [
  { key: "people", label: "quality.people" },
  { key: "verified", label: "quality.verified" },
  { key: "unverified", label: "quality.unverified" },
  { key: "open_reviews", label: "quality.openReviews" },
  { key: "not_found", label: "quality.notFound" },
  { key: "suspected_duplicates", label: "quality.duplicates" },
  { key: "continuity_conflicts", label: "quality.conflicts" },
];

function Person({ p }: { p: MergePerson }) {
  return <>{p.full_name}, {formatDate(p.dob)}, <span class="mono">{p.cccd ?? "—"}</span>, {t("quality.doses", { n: p.active_doses })}</>;
}

function Proposal({ m, onDone }: { m: MergeProposal; onDone: (msg: string, merged: number | null) => void }) {
  const [error, setError] = useState<unknown>(undefined);
  async function decide(action: "merge" | "reject") {
    setError(undefined);
    try {
      await decideDuplicate(m.id, action);
      onDone(t(action === "merge" ? "quality.merged" : "quality.rejected"), action === "merge" ? m.id : null);
    } catch (e) {
      setError(e);
    }
  }
  return (
    <li class="request">
      <h3 class="h3">{t("quality.proposal", { id: m.id, score: m.score.toFixed(2) })}</h3>
      <p>{t("quality.keep")}: <Person p={m.survivor} /></p>
      <p>{t("quality.mergeIn")}: <Person p={m.duplicate} /></p>
      {error !== undefined && <ErrorNotice error={error} />}
      <div class="button-group">
        <button type="button" class="button" onClick={() => decide("merge")}>{t("quality.merge")}<span class="visually-hidden"> #{m.id}</span></button>
        <button type="button" class="button button--secondary" onClick={() => decide("reject")}>{t("quality.notDuplicate")}<span class="visually-hidden"> #{m.id}</span></button>
      </div>
    </li>
  );
}

const OUTCOMES: { key: "kept" | "open" | "released" | "fixed" | "rejected"; label: MessageKey }[] = [
  { key: "kept", label: "quality.importKept" },
  { key: "open", label: "quality.importOpen" },
  { key: "released", label: "quality.importReleased" },
  { key: "fixed", label: "quality.importFixed" },
  { key: "rejected", label: "quality.importRejected" },
];

function Imports({ q }: { q: ImportQuality }) {
  return (
    <>
      <p>{t("quality.importsLead", { from: formatDate(q.from), to: formatDate(q.to) })}</p>
      <ul class="stat-cards">
        {OUTCOMES.map((o) => <li key={o.key}><span class="stat-value">{formatNumber(q.totals[o.key])}</span> <span class="stat-label">{t(o.label)}</span></li>)}
      </ul>
      <p>{t("quality.timeToClean", { n: formatNumber(q.time_to_clean.handled), median: q.time_to_clean.median_hours.toFixed(1), p90: q.time_to_clean.p90_hours.toFixed(1) })}</p>
      {q.reasons.length > 0 && (
        <div class="table-wrap">
          <table class="table">
            <caption>{t("quality.reasonsCaption")}</caption>
            <thead><tr><th scope="col">{t("quality.reason")}</th><th scope="col" class="num">{t("quality.importKept")}</th><th scope="col" class="num">{t("quality.importOpen")}</th><th scope="col" class="num">{t("quality.importFixed")}</th><th scope="col" class="num">{t("quality.importRejected")}</th></tr></thead>
            <tbody>
              {q.reasons.map((r) => (
                <tr key={`${r.code}/${r.field}`}>
                  <th scope="row">{r.example}</th>
                  <td class="num">{formatNumber(r.kept)}</td><td class="num">{formatNumber(r.open)}</td><td class="num">{formatNumber(r.fixed)}</td><td class="num">{formatNumber(r.rejected)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {q.facilities.length > 0 && (
        <div class="table-wrap">
          <table class="table">
            <caption>{t("quality.facilitiesCaption")}</caption>
            <thead><tr><th scope="col">{t("quality.facility")}</th><th scope="col" class="num">{t("quality.per1000")}</th><th scope="col" class="num">{t("quality.importKept")}</th><th scope="col" class="num">{t("quality.recorded")}</th></tr></thead>
            <tbody>
              {q.facilities.map((f) => (
                <tr key={f.facility_code}>
                  <th scope="row">{f.name || f.facility_code}</th>
                  <td class="num">{f.kept_per_1000.toFixed(1)}</td><td class="num">{formatNumber(f.rows_kept)}</td><td class="num">{formatNumber(f.doses_recorded)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

export function AreaQuality(_: { params: Record<string, string> }) {
  const report = useAsync((signal) => qualityReport(signal), []);
  const imports = useAsync((signal) => importQuality(signal), []);
  const proposals = useAsync((signal) => mergeProposals(signal), []);
  const [notice, setNotice] = useState<string | null>(null);
  const [lastMerged, setLastMerged] = useState<number | null>(null);
  const undo = useAction((msg) => { setNotice(msg); setLastMerged(null); proposals.reload(); report.reload(); });
  const q = report.data;
  return (
    <AreaFrame title={t("quality.title")}>
      {!allAnswered(report, imports, proposals) ? <Loading /> : <>
      {report.error !== undefined && <ErrorNotice error={report.error} retry={report.reload} />}
      {q && (
        <ul class="stat-cards">
          {FIGURES.map((f) => <li key={f.key}><span class="stat-value">{formatNumber(q[f.key])}</span> <span class="stat-label">{t(f.label)}</span></li>)}
        </ul>
      )}
      <h2>{t("quality.importsTitle")}</h2>
      {imports.error !== undefined && <ErrorNotice error={imports.error} retry={imports.reload} />}
      {imports.data && <Imports q={imports.data} />}
      <h2>{t("quality.duplicatesTitle")}</h2>
      {notice && <p class="notice" role="status">{notice}</p>}
      {lastMerged !== null && (
        <p>
          <button type="button" class="button button--secondary" onClick={() => undo.run(() => decideDuplicate(lastMerged, "undo"), t("quality.undone"))}>{t("quality.undo")}</button>
        </p>
      )}
      {undo.error !== undefined && <ErrorNotice error={undo.error} />}
      <ListState state={proposals} empty={t("quality.noDuplicates")} />
      {proposals.data && proposals.data.items.length > 0 && (
        <ul class="request-list">
          {proposals.data.items.map((m) => (
            <Proposal key={m.id} m={m} onDone={(msg, merged) => { setNotice(msg); setLastMerged(merged); proposals.reload(); report.reload(); }} />
          ))}
        </ul>
      )}
      </>}
    </AreaFrame>
  );
}
