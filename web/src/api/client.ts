// The one way the portal talks to vaxreg's JSON API (same origin, /api/v1). Every request sends
// Accept-Language in the chosen language so error messages come back in it, and the session
// token when there is one. Failures become ApiError with the server's code, message and field.
import { lang } from "../i18n";
import { session } from "./session";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly reason?: string,
  ) {
    super(message);
  }
}

export interface RequestOptions {
  method?: string;
  body?: unknown;              // sent as JSON
  rawBody?: Blob | string;     // sent as is, with contentType
  contentType?: string;
  signal?: AbortSignal;
  anonymous?: boolean;         // do not send the session token
}

function headers(opts: RequestOptions): Headers {
  const h = new Headers({ "Accept-Language": lang.get() === "vi" ? "vi, en;q=0.5" : "en, vi;q=0.5" });
  const s = session.get();
  if (s && !opts.anonymous) h.set("Authorization", `Bearer ${s.token}`);
  if (opts.body !== undefined) h.set("Content-Type", "application/json");
  else if (opts.contentType) h.set("Content-Type", opts.contentType);
  return h;
}

export async function apiFetch(path: string, opts: RequestOptions = {}): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, {
      method: opts.method ?? (opts.body !== undefined || opts.rawBody !== undefined ? "POST" : "GET"),
      headers: headers(opts),
      body: opts.body !== undefined ? JSON.stringify(opts.body) : opts.rawBody,
      signal: opts.signal,
      credentials: "same-origin",
    });
  } catch (e) {
    if ((e as Error).name === "AbortError") throw e;
    throw new ApiError(0, "NETWORK", "");
  }
  if (res.status === 401 && session.get() && !opts.anonymous) session.set(null);
  if (!res.ok) {
    let code = "UNKNOWN";
    let message = "";
    let field: string | undefined;
    let reason: string | undefined;
    try {
      const body = await res.json();
      code = body?.error?.code ?? code;
      message = body?.error?.message ?? "";
      field = body?.error?.field;
      reason = body?.error?.reason;
    } catch {
      // Not JSON (a proxy's page); the status says enough.
    }
    throw new ApiError(res.status, code, message, field, reason);
  }
  return res;
}

export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await apiFetch(path, opts);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}
