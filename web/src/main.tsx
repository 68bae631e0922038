import { render } from "preact";
import { App } from "./app";
import { lang } from "./i18n";
import "./styles.css";

document.documentElement.lang = lang.get();
render(<App />, document.getElementById("app")!);

// The service worker keeps the app shell, the trust list and the revocation list for offline
// verification (sw.ts). Registration failures (private mode, http on a LAN address) are harmless.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js").catch(() => undefined);
}
