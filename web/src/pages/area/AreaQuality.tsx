// Data quality of the area: how many records are verified against the population register, how
// many wait for review, suspected duplicates and continuity conflicts; and the duplicate records
// proposed for merging, each merged (undoable at once) or rejected.
import { useState } from "preact/hooks";
import { decideDuplicate, mergeProposals, qualityReport, type MergePerson, type MergeProposal } from "../../api/area";
import { quarantinedRows } from "../../api/work";
import { ListState } from "../../components/ListState";
import { ErrorNotice } from "../../components/Status";
import { useAction } from "../../components/use_action";
import { useAsync } from "../../components/use_async";
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

export function AreaQuality(_: { params: Record<string, string> }) {
  const report = useAsync((signal) => qualityReport(signal), []);
  const kept = useAsync((signal) => quarantinedRows("open", signal), []);
  const proposals = useAsync((signal) => mergeProposals(signal), []);
  const [notice, setNotice] = useState<string | null>(null);
  const [lastMerged, setLastMerged] = useState<number | null>(null);
  const undo = useAction((msg) => { setNotice(msg); setLastMerged(null); proposals.reload(); report.reload(); });
  const q = report.data;
  return (
    <AreaFrame title={t("quality.title")}>
      {report.error !== undefined && <ErrorNotice error={report.error} retry={report.reload} />}
      {q && (
        <ul class="stat-cards">
          {FIGURES.map((f) => <li key={f.key}><span class="stat-value">{formatNumber(q[f.key])}</span> <span class="stat-label">{t(f.label)}</span></li>)}
          <li><span class="stat-value">{kept.data ? formatNumber(kept.data.items.length) + (kept.data.next_after_id ? "+" : "") : "—"}</span> <span class="stat-label">{t("quality.kept")}</span></li>
        </ul>
      )}
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
    </AreaFrame>
  );
}
