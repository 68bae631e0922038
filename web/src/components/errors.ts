import { ApiError } from "../api/client";
import { t } from "../i18n";
import type { FieldError } from "./ErrorSummary";

// What a person reads when a request fails: the server's message (already in the chosen language,
// sent by Accept-Language) or a plain message for network failures and bare statuses.
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 0) return t("error.network");
    if (e.message) return e.message;
    if (e.status === 401) return t("error.unauthenticated");
    if (e.status === 403) return t("error.forbidden");
    if (e.status === 404) return t("error.notFound");
    if (e.status === 429) return t("error.tooMany");
    if (e.status >= 500) return t("error.server");
  }
  return t("error.unexpected");
}

// An API error as one entry of an error summary, pointing at `fieldIds[field]` when the server
// named a field this form has.
export function toFieldError(e: unknown, fieldIds: Record<string, string> = {}): FieldError {
  const field = e instanceof ApiError && e.field ? fieldIds[e.field] ?? "" : "";
  return { field, message: errorMessage(e) };
}
