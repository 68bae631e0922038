import type { ComponentChildren } from "preact";
import { useEffect } from "preact/hooks";
import { lang, setLang, t, type MessageKey } from "../i18n";
import { homeFor, session } from "../api/session";
import { location } from "../router";
import { Link } from "./Link";
import { useSignal } from "./use_signal";

const NAV: { href: string; key: MessageKey }[] = [
  { href: "/stats", key: "nav.stats" },
  { href: "/facilities", key: "nav.facilities" },
  { href: "/verify", key: "nav.verify" },
];

// The frame of every page: skip link, header with navigation and the language switch, the page
// (its <h1> receives focus after each navigation so screen readers announce the new page), footer.
// The first page shown keeps the browser's own focus; later navigations move it to the new <h1>.
let firstRender = true;

export function Layout({ title, children }: { title: string; children: ComponentChildren }) {
  const current = useSignal(lang);
  const s = useSignal(session);
  const loc = useSignal(location);
  useEffect(() => {
    document.title = `${title} — vaxreg`;
    document.documentElement.lang = current;
    if (firstRender) {
      firstRender = false;
      return;
    }
    const h1 = document.querySelector<HTMLElement>("main h1");
    if (h1 && document.activeElement !== h1 && document.activeElement?.tagName !== "INPUT") h1.focus();
  }, [title, current, loc.path]);
  const other = current === "vi" ? "en" : "vi";
  return (
    <>
      <a class="skip-link" href="#main">{t("nav.skip")}</a>
      <header class="site-header">
        <div class="container header-row">
          <Link href="/" class="brand">
            <span aria-hidden="true" class="brand-mark">✓</span> {t("site.name")}
          </Link>
          <button
            type="button"
            class="lang-switch"
            lang={other}
            onClick={() => setLang(other)}
          >
            {other === "en" ? "English" : "Tiếng Việt"}
          </button>
        </div>
        <nav class="container site-nav" aria-label={t("nav.label")}>
          <ul>
            {NAV.map((n) => (
              <li key={n.href}>
                <Link href={n.href} aria-current={loc.path.startsWith(n.href) ? "page" : undefined}>{t(n.key)}</Link>
              </li>
            ))}
            <li>
              {s ? (
                <Link href={homeFor(s)} aria-current={loc.path.startsWith(homeFor(s)) ? "page" : undefined}>
                  {t(homeFor(s) === "/me" ? "nav.me" : homeFor(s) === "/sign" ? "nav.sign" : "nav.work")}
                </Link>
              ) : (
                <Link href="/login" aria-current={loc.path === "/login" ? "page" : undefined}>{t("nav.login")}</Link>
              )}
            </li>
          </ul>
        </nav>
      </header>
      <main id="main" class="container" tabIndex={-1}>
        {children}
      </main>
      <footer class="site-footer">
        <div class="container">
          <p>{t("site.footer")}</p>
        </div>
      </footer>
    </>
  );
}
