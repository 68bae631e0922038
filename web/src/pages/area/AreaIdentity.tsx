// Identity review: each record beside the population register's entry it was matched to, field
// by field with the weight each field gave the match; the reviewer accepts the register's
// identity for the record or rejects the match.
import { useState } from "preact/hooks";
import { decideReview, reviewQueue, type ReviewItem, type ReviewSide } from "../../api/area";
import { ListState } from "../../components/ListState";
import { ErrorNotice } from "../../components/Status";
import { useAsync } from "../../components/use_async";
import { t } from "../../i18n";
import { AreaFrame } from "./AreaFrame";

const FIELDS: (keyof ReviewSide)[] = ["full_name", "dob", "sex", "cccd", "cmnd", "province_code", "district_code", "commune_code"];

function weightOf(item: ReviewItem, field: string): string {
  const w = item.details?.[field] ?? item.details?.[field.replace("_code", "")];
  return typeof w === "number" ? w.toFixed(1) : w !== undefined ? String(w) : "—";
}

function Item({ item, onDone }: { item: ReviewItem; onDone: (msg: string) => void }) {
  const [error, setError] = useState<unknown>(undefined);
  async function decide(accept: boolean) {
    try {
      await decideReview(item.person_id, accept);
      onDone(t(accept ? "area.reviewAccepted" : "area.reviewRejected", { id: item.person_id }));
    } catch (e) {
      setError(e);
    }
  }
  return (
    <li class="request">
      <h2 class="h3">{t("area.reviewItem", { id: item.person_id, score: item.score.toFixed(4) })}</h2>
      <div class="table-wrap">
        <table class="table">
          <caption class="visually-hidden">{t("area.reviewItem", { id: item.person_id, score: item.score.toFixed(4) })}</caption>
          <thead><tr><th scope="col">{t("area.field")}</th><th scope="col">{t("area.onRecord")}</th><th scope="col">{t("area.inRegister")}</th><th scope="col">{t("area.weight")}</th></tr></thead>
          <tbody>
            {FIELDS.map((f) => (
              <tr key={f} class={item.candidate && item.record[f] !== item.candidate[f] ? "row--differs" : undefined}>
                <th scope="row" class="mono">{f}</th><td>{item.record[f] || "—"}</td><td>{item.candidate?.[f] || "—"}</td><td>{weightOf(item, f)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {error !== undefined && <ErrorNotice error={error} />}
      <div class="button-group">
        {item.candidate && <button type="button" class="button" onClick={() => decide(true)}>{t("area.acceptRegister")}<span class="visually-hidden"> #{item.person_id}</span></button>}
        <button type="button" class="button button--secondary" onClick={() => decide(false)}>{t("area.rejectMatch")}<span class="visually-hidden"> #{item.person_id}</span></button>
      </div>
    </li>
  );
}

export function AreaIdentity(_: { params: Record<string, string> }) {
  const [status, setStatus] = useState("proposed_correction");
  const [notice, setNotice] = useState<string | null>(null);
  const list = useAsync((signal) => reviewQueue(status, signal), [status]);
  return (
    <AreaFrame title={t("area.identityTitle")}>
      <fieldset class="fieldset">
        <legend class="legend">{t("area.showStatus")}</legend>
        <label class="radio"><input type="radio" name="rs" checked={status === "proposed_correction"} onChange={() => setStatus("proposed_correction")} /> {t("area.proposed")}</label>
        <label class="radio"><input type="radio" name="rs" checked={status === "not_found"} onChange={() => setStatus("not_found")} /> {t("area.notFound")}</label>
      </fieldset>
      {notice && <p class="notice" role="status">{notice}</p>}
      <ListState state={list} empty={t("area.noReview")} />
      {list.data && list.data.items.length > 0 && (
        <ul class="request-list">{list.data.items.map((i) => <Item key={i.person_id} item={i} onDone={(m) => { setNotice(m); list.reload(); }} />)}</ul>
      )}
    </AreaFrame>
  );
}
