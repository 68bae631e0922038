import { t } from "../i18n";

// The status colour a citizen knows from the reference app: green = fully vaccinated, yellow =
// partly, grey = none. The colour is never the only signal: the words say it too.
export function StatusBanner({ status, colour }: { status: string; colour: string }) {
  const key = status === "fully" ? "status.fully" : status === "partly" || status === "partial" ? "status.partly" : "status.none";
  const cls = colour === "green" ? "status--green" : colour === "yellow" ? "status--yellow" : "status--none";
  return (
    <div class={`status-banner ${cls}`} role="status">
      <span class="status-dot" aria-hidden="true" />
      <strong>{t(key)}</strong>
    </div>
  );
}
