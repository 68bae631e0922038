// The signed-in account, kept in sessionStorage so it ends with the browser tab (a shared phone
// or a kiosk does not keep a citizen signed in).
import { signal } from "../i18n/signal";

export interface Session {
  token: string;
  expiresAt: number;  // unix seconds
  role: string;
  displayName: string;
  username: string;
  facilityCode?: string;  // facility staff: their facility
  adminUnit?: string;     // health authorities: their area
}

// Where a signed-in account starts: citizens at their record, facility staff at their day,
// administrators at the accounts, signers at their desk, authorities at their queue.
export function homeFor(s: Session | null): string {
  if (s?.role === "facility_staff") return "/work";
  if (s?.role === "admin") return "/admin";
  if (s?.role === "signer") return "/sign";
  if (s?.role === "health_authority") return "/area";
  return "/me";
}

const KEY = "vaxreg.session";

function load(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Session;
    if (!s.token || s.expiresAt * 1000 < Date.now()) return null;
    return s;
  } catch {
    return null;
  }
}

export const session = signal<Session | null>(load());

session.subscribe((s) => {
  try {
    if (s) sessionStorage.setItem(KEY, JSON.stringify(s));
    else sessionStorage.removeItem(KEY);
  } catch {
    // Not persisted; the session lasts as long as the page.
  }
});
