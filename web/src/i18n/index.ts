// Message catalogs and the current language. Vietnamese is the default; the choice persists in
// localStorage. Every string a person reads comes from vi.ts / en.ts (en.ts is typed against
// vi.ts, so a missing translation is a type error). Parameters are written {name}.
import { signal } from "./signal";
import { vi, type MessageKey } from "./vi";
import { en } from "./en";

export type Lang = "vi" | "en";
export type { MessageKey };

const catalogs: Record<Lang, Record<MessageKey, string>> = { vi, en };
const STORAGE_KEY = "vaxreg.lang";

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === "vi" || saved === "en") return saved;
  } catch {
    // Storage can be unavailable (private mode); Vietnamese it is.
  }
  return "vi";
}

export const lang = signal<Lang>(initialLang());

export function setLang(next: Lang): void {
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Not persisted; the switch still applies to this page.
  }
  document.documentElement.lang = next;
  lang.set(next);
}

export type Params = Record<string, string | number>;

// The message `key` in the current language with {name} parameters filled in.
export function t(key: MessageKey, params?: Params): string {
  const text = catalogs[lang.get()][key] ?? vi[key] ?? key;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) =>
    name in params ? String(params[name]) : m,
  );
}

// Whether `key` exists (for messages named by the server, e.g. reason codes).
export function hasMessage(key: string): key is MessageKey {
  return key in vi;
}
