// Client-side navigation over real paths (/stats, /me/bookings): vaxreg answers every such path
// with index.html, so pages can be bookmarked and shared. navigate() pushes history; the Link
// component and the back button end up here.
import { signal } from "./i18n/signal";

export interface Location {
  path: string;
  query: URLSearchParams;
}

function current(): Location {
  return { path: window.location.pathname.replace(/\/+$/, "") || "/", query: new URLSearchParams(window.location.search) };
}

export const location = signal<Location>(current());

export function navigate(to: string, replace = false): void {
  if (replace) history.replaceState(null, "", to);
  else history.pushState(null, "", to);
  location.set(current());
  window.scrollTo(0, 0);
}

window.addEventListener("popstate", () => location.set(current()));

// Matches "/me/corrections/:tracking" against a path; the named segments, or null.
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split("/");
  const s = path.split("/");
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(":")) params[p[i].slice(1)] = decodeURIComponent(s[i]);
    else if (p[i] !== s[i]) return null;
  }
  return params;
}
