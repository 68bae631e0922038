// "My bookings": the citizen's bookings with their check-in QR, and booking, cancelling or moving
// one (one active booking per dose; the server enforces it and says so).
import { useState } from "preact/hooks";
import { book, cancelBooking, moveBooking, myBookings, type Booking } from "../api/bookings";
import { ErrorSummary, type FieldError } from "../components/ErrorSummary";
import { Field, describedBy } from "../components/Field";
import { Layout } from "../components/Layout";
import { Link } from "../components/Link";
import { QrCode } from "../components/QrCode";
import { ErrorNotice, Loading } from "../components/Status";
import { toFieldError } from "../components/errors";
import { useAsync } from "../components/use_async";
import { useSignal } from "../components/use_signal";
import { formatDate, parseDate, todayIso } from "../format";
import { t, hasMessage } from "../i18n";
import { location } from "../router";

function statusLabel(s: string): string {
  const key = `book.status.${s}`;
  return hasMessage(key) ? t(key) : s;
}

function BookingForm({ initialFacility, submitLabel, onSubmit }: {
  initialFacility: string;
  submitLabel: string;
  onSubmit: (facility: string, day: string) => Promise<void>;
}) {
  const [facility, setFacility] = useState(initialFacility);
  const [day, setDay] = useState("");
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  const err = (f: string) => errors.find((e) => e.field === f)?.message;
  async function submit(e: Event) {
    e.preventDefault();
    const out: FieldError[] = [];
    const iso = parseDate(day);
    if (!facility.trim()) out.push({ field: "book-facility", message: t("book.facilityMissing") });
    if (!iso || iso < todayIso()) out.push({ field: "book-day", message: t("book.dayInvalid") });
    setErrors(out);
    if (out.length) return;
    setBusy(true);
    try {
      await onSubmit(facility.trim().toUpperCase(), iso!);
      setErrors([]);
    } catch (err) {
      setErrors([toFieldError(err, { facility_code: "book-facility", day: "book-day" })]);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form onSubmit={submit} noValidate>
      <ErrorSummary errors={errors} />
      <Field id="book-facility" label={t("book.facility")} hint={t("book.facilityHint")} error={err("book-facility")}>
        <input id="book-facility" class="input input--20" value={facility} aria-describedby={describedBy("book-facility", "h", err("book-facility"))}
          onInput={(e) => setFacility((e.target as HTMLInputElement).value)} />
      </Field>
      <Field id="book-day" label={t("book.day")} hint={t("book.dayHint")} error={err("book-day")}>
        <input id="book-day" class="input input--20" inputMode="numeric" value={day} aria-describedby={describedBy("book-day", "h", err("book-day"))}
          onInput={(e) => setDay((e.target as HTMLInputElement).value)} />
      </Field>
      <button class="button" type="submit" disabled={busy}>{submitLabel}</button>
    </form>
  );
}

export function Bookings(_: { params: Record<string, string> }) {
  const loc = useSignal(location);
  const list = useAsync((s) => myBookings(s), []);
  const [message, setMessage] = useState<string | null>(null);
  const [moving, setMoving] = useState<number | null>(null);
  const [problem, setProblem] = useState<unknown>(undefined);

  async function cancel(b: Booking) {
    if (!window.confirm(t("book.confirmCancel", { day: formatDate(b.day) }))) return;
    try {
      await cancelBooking(b.id);
      setMessage(t("book.cancelled"));
      setProblem(undefined);
      list.reload();
    } catch (e) {
      setProblem(e);
    }
  }

  // "booked" for a day already gone is shown as missed (the server marks it so on the next booking).
  const isActive = (b: Booking) => b.status === "booked" && b.day >= todayIso();
  const active = (list.data ?? []).filter(isActive);
  const past = (list.data ?? []).filter((b) => !isActive(b)).map((b) => (b.status === "booked" ? { ...b, status: "missed" } : b));
  return (
    <Layout title={t("book.title")}>
      <h1 tabIndex={-1}>{t("book.title")}</h1>
      {message && <p class="notice" role="status">{message}</p>}
      {problem !== undefined && <ErrorNotice error={problem} />}
      {list.loading && !list.data && <Loading />}
      {list.error !== undefined && <ErrorNotice error={list.error} retry={list.reload} />}
      {list.data && list.data.length === 0 && <p>{t("book.none")}</p>}
      <ul class="booking-list">
        {[...active, ...past].map((b) => (
          <li key={b.id} class="booking">
            <h2 class="h3">
              {formatDate(b.day)} · {b.facility_name ?? b.facility_code}
              {b.dose_number !== undefined && <> · {t("book.dose", { n: b.dose_number })}</>}
            </h2>
            <p><span class={`tag tag--${b.status}`}>{statusLabel(b.status)}</span></p>
            {isActive(b) && b.qr && <QrCode text={b.qr} label={t("book.qrAlt")} />}
            {isActive(b) && (
              <div class="button-group">
                <button type="button" class="button button--secondary" onClick={() => setMoving(moving === b.id ? null : b.id)}
                  aria-expanded={moving === b.id}>{t("book.move")}</button>
                <button type="button" class="button button--warning" onClick={() => cancel(b)}>{t("book.cancel")}</button>
              </div>
            )}
            {moving === b.id && (
              <div class="panel">
                <h3>{t("book.moveTitle")}</h3>
                <BookingForm initialFacility={b.facility_code} submitLabel={t("book.saveMove")}
                  onSubmit={async (f, d) => { await moveBooking(b.id, f, d); setMoving(null); setMessage(t("book.moved")); list.reload(); }} />
              </div>
            )}
          </li>
        ))}
      </ul>
      <h2>{t("book.new")}</h2>
      <BookingForm initialFacility={loc.query.get("facility") ?? ""} submitLabel={t("book.submit")}
        onSubmit={async (f, d) => { await book(f, d); setMessage(t("book.booked")); list.reload(); }} />
      <p><Link href="/facilities">{t("nav.facilities")}</Link></p>
      <p><Link href="/me">{t("cert.back")}</Link></p>
    </Layout>
  );
}
