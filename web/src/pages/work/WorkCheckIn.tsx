// The check-in desk: scan the person's registration QR or chip ID card with the camera (or type
// the QR text, or pick today's booking from the list, searched by name, phone or CCCD); the
// person appears with their doses and the warnings staff must ask about; the dose is recorded
// with the lot already chosen from what the facility is using: scan, (change the lot), record.
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "../../api/client";
import {
  checkIn,
  dayBookings,
  facilityDay,
  recordDose,
  type CheckInAnswer,
  type FacilityDay,
} from "../../api/work";
import { useQrCamera } from "../../components/camera";
import { Field } from "../../components/Field";
import { ErrorNotice } from "../../components/Status";
import { ListState } from "../../components/ListState";
import { useAsync } from "../../components/use_async";
import { errorMessage } from "../../components/errors";
import { formatDate, formatNumber } from "../../format";
import { hasMessage, t } from "../../i18n";
import { WorkFrame, myFacility } from "./WorkFrame";

function warningText(w: { code: string; message: string }): string {
  const key = `work.warn.${w.code}`;
  return hasMessage(key) ? t(key) : w.message;
}

function statusText(status: string): string {
  const key = `work.vax.${status}`;
  return hasMessage(key) ? t(key) : status;
}

// The lots to offer: those on the facility's shelf and not expired, first to expire first (the
// first is chosen); then lots it used lately that it did not receive by lot; then every vaccine
// in stock without a lot on the shelf.
function lotChoices(day: FacilityDay | undefined): { value: string; label: string }[] {
  if (!day) return [];
  const out: { value: string; label: string }[] = [];
  const seen = new Set<string>();
  for (const l of day.lots_in_stock ?? []) {
    if (l.expired) continue;
    seen.add(`${l.vaccine}|${l.lot}`);
    out.push({
      value: `${l.vaccine}|${l.lot}`,
      label: t("work.lotInStock", { vaccine: l.vaccine, lot: l.lot, n: formatNumber(l.available), date: l.expires_on ? formatDate(l.expires_on) : "—" }),
    });
  }
  for (const l of day.lots) {
    if (seen.has(`${l.vaccine}|${l.lot}`)) continue;
    out.push({ value: `${l.vaccine}|${l.lot}`, label: `${l.vaccine} — ${t("work.lot")} ${l.lot}` });
  }
  for (const s of day.stock) {
    if (s.available > 0 && !out.some((c) => c.value.startsWith(`${s.vaccine}|`))) {
      out.push({ value: `${s.vaccine}|`, label: s.vaccine });
    }
  }
  return out;
}

function Person({ a, day, onDone }: { a: CheckInAnswer; day: FacilityDay | undefined; onDone: (msg: string) => void }) {
  const choices = lotChoices(day);
  const [choice, setChoice] = useState(choices[0]?.value ?? "");
  const [lot, setLot] = useState(choices[0]?.value.split("|")[1] ?? "");
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const key = useRef(crypto.randomUUID());  // a retry of the same dose is recorded once
  const p = a.person;
  const next = a.next_dose?.dose_number ?? 1;

  async function record(e: Event) {
    e.preventDefault();
    const vaccine = choice.split("|")[0];
    if (!vaccine) return;
    setBusy(true);
    setError(undefined);
    try {
      await recordDose({
        person_id: p.id, vaccine, lot: lot.trim(), dose_number: next,
        administered_at: new Date().toISOString(), idempotency_key: key.current,
      });
      onDone(t("work.recordedDose", { n: next, name: p.full_name }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="panel" aria-labelledby="person-name">
      <h2 id="person-name">{p.full_name}</h2>
      <dl class="summary-list">
        <div><dt>{t("work.dob")}</dt><dd>{formatDate(p.dob)}</dd></div>
        <div><dt>CCCD</dt><dd class="mono">{p.cccd ?? "—"}</dd></div>
        <div><dt>{t("work.status")}</dt><dd><span class={`status-dot status--${a.status.colour}`} aria-hidden="true" /> {statusText(a.status.status)}</dd></div>
        <div><dt>{t("work.dosesGiven")}</dt><dd>{a.doses.filter((d) => d.display === "counted").map((d) => `${d.dose_number}: ${d.vaccine} ${formatDate(d.administered_at)}`).join("; ") || "—"}</dd></div>
      </dl>
      {a.warnings.length > 0 && (
        <div class="notice notice--error" role="alert">
          <p><strong>{t("work.warnings")}</strong></p>
          <ul>{a.warnings.map((w) => <li key={w.code} data-warning={w.code}>{warningText(w)}</li>)}</ul>
        </div>
      )}
      <form onSubmit={record} noValidate>
        <h3 class="h3">{t("work.recordTitle", { n: next })}</h3>
        {choices.length === 0 ? <p class="notice">{t("work.noStock")}</p> : (
          <Field id="lot-choice" label={t("work.vaccineAndLot")}>
            <select id="lot-choice" class="input input--wide" value={choice}
              onChange={(e) => { const v = (e.target as HTMLSelectElement).value; setChoice(v); setLot(v.split("|")[1] ?? ""); }}>
              {choices.map((c) => <option key={c.value} value={c.value}>{c.label}</option>)}
            </select>
          </Field>
        )}
        <Field id="lot" label={t("work.lot")}>
          <input id="lot" class="input input--20" value={lot} maxLength={64} onInput={(e) => setLot((e.target as HTMLInputElement).value)} />
        </Field>
        {error !== undefined && <ErrorNotice error={error} />}
        <button type="submit" class="button" disabled={busy || !choice}>{t("work.record", { n: next })}</button>
      </form>
    </section>
  );
}

export function WorkCheckIn(_: { params: Record<string, string> }) {
  const code = myFacility();
  const day = useAsync((signal) => facilityDay(code, signal), [code]);
  const [query, setQuery] = useState("");
  const [search, setSearch] = useState("");
  const list = useAsync((signal) => dayBookings(code, search, signal), [code, search]);
  const [person, setPerson] = useState<CheckInAnswer | null>(null);
  const [qrText, setQrText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const camera = useQrCamera((text) => { arrive({ qr: text }); });

  async function arrive(what: { qr: string } | { registration_id: number }) {
    setError(null);
    setDone(null);
    try {
      setPerson(await checkIn(what));
      setQrText("");
      list.reload();
    } catch (e) {
      setPerson(null);
      setError(e instanceof ApiError ? errorMessage(e) : t("work.checkInFailed"));
    }
  }

  useEffect(() => {
    if (person) document.getElementById("person-name")?.focus?.();
  }, [person]);

  return (
    <WorkFrame title={t("work.checkinTitle")}>
      {done && <p class="notice" role="status">{done}</p>}
      {error && <p class="notice notice--error" role="alert">{error}</p>}
      {person ? (
        <>
          <Person a={person} day={day.data} onDone={(msg) => { setPerson(null); setDone(msg); day.reload(); list.reload(); }} />
          <p><button type="button" class="link-button" onClick={() => setPerson(null)}>{t("work.nextPerson")}</button></p>
        </>
      ) : (
        <>
          <div class="scanner">
            <video ref={camera.videoRef} muted playsInline hidden={!camera.scanning} aria-label={t("work.scanning")} />
            {camera.scanning && <p role="status">{t("work.scanning")}</p>}
            {camera.failed && <p class="notice notice--error" role="alert">{t("verify.cameraError")}</p>}
            <div class="button-group">
              {camera.scanning
                ? <button type="button" class="button button--secondary" onClick={camera.stop}>{t("verify.stopScan")}</button>
                : <button type="button" class="button" onClick={() => { setError(null); camera.start(); }}>{t("work.scan")}</button>}
            </div>
          </div>
          <form onSubmit={(e) => { e.preventDefault(); if (qrText.trim()) arrive({ qr: qrText.trim() }); }}>
            <Field id="qr-text" label={t("work.qrText")} hint={t("work.qrTextHint")}>
              <input id="qr-text" class="input" value={qrText} aria-describedby="qr-text-hint" onInput={(e) => setQrText((e.target as HTMLInputElement).value)} />
            </Field>
            <button type="submit" class="button button--secondary" disabled={!qrText.trim()}>{t("work.checkIn")}</button>
          </form>
          <h2>{t("work.bookingsTitle")}</h2>
          <form class="filters" role="search" onSubmit={(e) => { e.preventDefault(); setSearch(query); }}>
            <Field id="booking-q" label={t("work.search")} hint={t("work.searchHint")}>
              <input id="booking-q" class="input input--20" type="search" value={query} aria-describedby="booking-q-hint" onInput={(e) => setQuery((e.target as HTMLInputElement).value)} />
            </Field>
            <button type="submit" class="button button--secondary">{t("common.search")}</button>
          </form>
          <ListState state={list} empty={t("work.noBookings")} />
          {list.data && list.data.items.length > 0 && (
            <div class="table-wrap">
              <table class="table">
                <caption class="visually-hidden">{t("work.bookingsTitle")}</caption>
                <thead><tr><th scope="col">{t("work.name")}</th><th scope="col">{t("work.dob")}</th><th scope="col">CCCD</th><th scope="col">{t("work.bookingStatus")}</th><th scope="col"><span class="visually-hidden">{t("work.action")}</span></th></tr></thead>
                <tbody>
                  {list.data.items.map((b) => (
                    <tr key={b.id}>
                      <th scope="row">{b.person.full_name}</th>
                      <td>{formatDate(b.person.dob)}</td>
                      <td class="mono">{b.person.cccd || "—"}</td>
                      <td>{hasMessage(`work.booking.${b.status}`) ? t(`work.booking.${b.status}` as never) : b.status}</td>
                      <td>
                        {(b.status === "booked" || b.status === "checked_in") && (
                          <button type="button" class="button button--secondary" onClick={() => arrive({ registration_id: b.id })}>
                            {b.status === "booked" ? t("work.checkIn") : t("work.open")}
                            <span class="visually-hidden"> {t("work.checkInNamed", { name: b.person.full_name })}</span>
                          </button>
                        )}
                      </td>
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
