// Allocations: the stock the authority holds (the national store for a national authority, the
// province's for a provincial one) and sending doses on to a province or a facility.
import { useState } from "preact/hooks";
import { allocate, stockOf } from "../../api/area";
import { session } from "../../api/session";
import { ErrorSummary, type FieldError } from "../../components/ErrorSummary";
import { Field } from "../../components/Field";
import { ErrorNotice, Loading } from "../../components/Status";
import { toFieldError } from "../../components/errors";
import { useAsync } from "../../components/use_async";
import { formatNumber } from "../../format";
import { t } from "../../i18n";
import { AreaFrame } from "./AreaFrame";

export function AreaAllocations(_: { params: Record<string, string> }) {
  const unit = session.get()?.adminUnit ?? "";
  const holder = unit === "" || unit === "VN" ? "VN" : unit;
  const stock = useAsync((signal) => stockOf(holder, signal), [holder]);
  const [vaccine, setVaccine] = useState("");
  const [to, setTo] = useState("");
  const [quantity, setQuantity] = useState("");
  const [lot, setLot] = useState("");
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const available = (stock.data ?? []).filter((s) => s.available > 0);

  async function submit(e: Event) {
    e.preventDefault();
    const n = Number(quantity);
    if (!vaccine || !to.trim() || !Number.isInteger(n) || n <= 0) {
      setErrors([{ field: !vaccine ? "alloc-vaccine" : !to.trim() ? "alloc-to" : "alloc-quantity", message: t("alloc.fill") }]);
      return;
    }
    try {
      await allocate(vaccine, holder, to.trim().toUpperCase(), n, lot.trim());
      setErrors([]);
      setNotice(t("alloc.done", { n: formatNumber(n), vaccine, to: to.trim().toUpperCase() }));
      setQuantity("");
      stock.reload();
    } catch (err) {
      setErrors([toFieldError(err, { vaccine: "alloc-vaccine", to: "alloc-to", quantity: "alloc-quantity", lot: "alloc-lot" })]);
    }
  }
  const err = (f: string) => errors.find((x) => x.field === f)?.message;
  return (
    <AreaFrame title={t("alloc.title")}>
      <h2>{t("alloc.stock", { holder })}</h2>
      {stock.loading && !stock.data && <Loading />}
      {stock.error !== undefined && <ErrorNotice error={stock.error} retry={stock.reload} />}
      {stock.data && (
        <div class="table-wrap">
          <table class="table">
            <caption class="visually-hidden">{t("alloc.stock", { holder })}</caption>
            <thead><tr><th scope="col">{t("work.vaccine")}</th><th scope="col">{t("work.received")}</th><th scope="col">{t("alloc.sentOn")}</th><th scope="col">{t("work.available")}</th></tr></thead>
            <tbody>{stock.data.map((s) => <tr key={s.vaccine}><th scope="row">{s.vaccine}</th><td>{formatNumber(s.received)}</td><td>{formatNumber(s.allocated_out)}</td><td>{formatNumber(s.available)}</td></tr>)}</tbody>
          </table>
        </div>
      )}
      <h2>{t("alloc.send")}</h2>
      {notice && <p class="notice" role="status">{notice}</p>}
      <form onSubmit={submit} noValidate>
        <ErrorSummary errors={errors} />
        <Field id="alloc-vaccine" label={t("work.vaccine")} error={err("alloc-vaccine")}>
          <select id="alloc-vaccine" class="input" value={vaccine} onChange={(e) => setVaccine((e.target as HTMLSelectElement).value)}>
            <option value="">{t("common.choose")}</option>
            {available.map((s) => <option key={s.vaccine} value={s.vaccine}>{s.vaccine} ({formatNumber(s.available)})</option>)}
          </select>
        </Field>
        <Field id="alloc-to" label={t("alloc.to")} hint={t(holder === "VN" ? "alloc.toProvince" : "alloc.toFacility")} error={err("alloc-to")}>
          <input id="alloc-to" class="input input--20" value={to} aria-describedby="alloc-to-hint" onInput={(e) => setTo((e.target as HTMLInputElement).value)} />
        </Field>
        <Field id="alloc-quantity" label={t("alloc.quantity")} error={err("alloc-quantity")}>
          <input id="alloc-quantity" class="input input--10" inputMode="numeric" value={quantity} onInput={(e) => setQuantity((e.target as HTMLInputElement).value)} />
        </Field>
        <Field id="alloc-lot" label={t("alloc.lot")} hint={t("alloc.lotHint")} error={err("alloc-lot")}>
          <input id="alloc-lot" class="input input--10" value={lot} maxLength={64} aria-describedby="alloc-lot-hint" onInput={(e) => setLot((e.target as HTMLInputElement).value)} />
        </Field>
        <button type="submit" class="button">{t("alloc.submit")}</button>
      </form>
    </AreaFrame>
  );
}
