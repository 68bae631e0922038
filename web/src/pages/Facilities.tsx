// The facility finder: by province, district and name, with the places left for each of the
// next days. Filters live in the address (?province=&district=&q=) so a search can be shared.
import { useEffect, useState } from "preact/hooks";
import { areas, findFacilities, type Facility } from "../api/facilities";
import { session } from "../api/session";
import { Layout } from "../components/Layout";
import { Link } from "../components/Link";
import { ErrorNotice, Loading } from "../components/Status";
import { useAsync } from "../components/use_async";
import { useSignal } from "../components/use_signal";
import { formatDate, formatNumber } from "../format";
import { t } from "../i18n";
import { location, navigate } from "../router";

export function Facilities(_: { params: Record<string, string> }) {
  const loc = useSignal(location);
  const s = useSignal(session);
  const province = loc.query.get("province") ?? "";
  const district = loc.query.get("district") ?? "";
  const q = loc.query.get("q") ?? "";
  const [text, setText] = useState(q);
  const [extra, setExtra] = useState<Facility[]>([]);
  const [next, setNext] = useState<string | undefined>(undefined);
  useEffect(() => setText(q), [q]);

  const provinces = useAsync((sig) => areas("VN", sig), []);
  const districts = useAsync((sig) => (province ? areas(province, sig) : Promise.resolve([])), [province]);
  const found = useAsync(async (sig) => {
    const r = await findFacilities({ province, district, q }, sig);
    setExtra([]);
    setNext(r.next);
    return r;
  }, [province, district, q]);

  function go(p: string, d: string, text: string) {
    const sp = new URLSearchParams();
    if (p) sp.set("province", p);
    if (d) sp.set("district", d);
    if (text.trim()) sp.set("q", text.trim());
    const qs = sp.toString();
    navigate(`/facilities${qs ? `?${qs}` : ""}`, true);
  }

  async function more() {
    if (!next) return;
    const ctl = new AbortController();
    const r = await findFacilities({ province, district, q, after: next }, ctl.signal);
    setExtra([...extra, ...r.items]);
    setNext(r.next);
  }

  const list = found.data ? [...found.data.items, ...extra] : [];
  return (
    <Layout title={t("fac.title")}>
      <h1 tabIndex={-1}>{t("fac.title")}</h1>
      <form class="filters" role="search" onSubmit={(e) => { e.preventDefault(); go(province, district, text); }}>
        <div class="field">
          <label for="fac-province">{t("fac.province")}</label>
          <select id="fac-province" class="select" value={province} onChange={(e) => go((e.target as HTMLSelectElement).value, "", text)}>
            <option value="">{t("common.all")}</option>
            {(provinces.data ?? []).map((a) => <option key={a.code} value={a.code}>{a.short_name}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="fac-district">{t("fac.district")}</label>
          <select id="fac-district" class="select" value={district} disabled={!province}
            onChange={(e) => go(province, (e.target as HTMLSelectElement).value, text)}>
            <option value="">{t("common.all")}</option>
            {(districts.data ?? []).map((a) => <option key={a.code} value={a.code}>{a.name}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="fac-q">{t("fac.name")}</label>
          <input id="fac-q" class="input" type="search" value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} />
        </div>
        <div class="field"><button class="button" type="submit">{t("common.search")}</button></div>
      </form>
      {/* The results area keeps a screen's height from the first paint, so the list arriving
          does not push the footer (a layout shift) while the visitor reads the filters. */}
      <div class="results">
      {found.loading && !found.data && <Loading />}
      {found.error !== undefined && <ErrorNotice error={found.error} retry={found.reload} />}
      {found.data && (
        <>
          <p role="status">{list.length === 0 ? t("fac.none") : t("fac.results", { n: formatNumber(list.length) + (next ? "+" : "") })}</p>
          <ul class="facility-list">
            {list.map((f) => (
              <li key={f.code} class="facility">
                <h2 class="h3">{f.name} <span class="hint">({f.code})</span></h2>
                {f.address && <p>{f.address}</p>}
                <p>{t("fac.capacity", { n: formatNumber(f.daily_capacity) })}</p>
                {f.capacity.length > 0 && (
                  <ul class="capacity" aria-label={t("fac.remaining")}>
                    {f.capacity.map((c) => (
                      <li key={c.day} class={c.remaining <= 0 ? "full" : undefined}>
                        {formatDate(c.day).slice(0, 5)}<br />
                        <strong>{c.remaining <= 0 ? t("fac.full") : formatNumber(c.remaining)}</strong>
                      </li>
                    ))}
                  </ul>
                )}
                <p><Link href={s ? `/me/bookings?facility=${encodeURIComponent(f.code)}` : `/login`}>{t("fac.book")}</Link></p>
              </li>
            ))}
          </ul>
          {next && <button type="button" class="button button--secondary" onClick={more}>{t("fac.more")}</button>}
        </>
      )}
      </div>
    </Layout>
  );
}
