// Facility staff's calls: the day of their facility, bookings, check-in, recording, voiding and
// signing doses, CSV uploads and the rows kept back for cleaning (see facility_day_api.cc,
// checkin_api.cc, doses_api.cc, dose_signing_api.cc, quarantine_api.cc).
import { api } from "./client";
import type { PersonRecord } from "./types";

export interface PersonSummary {
  id: number;
  full_name: string;
  cccd: string;
  dob: string;
  phone: string;
  vax_status: string;
}

export interface DayBooking {
  id: number;
  day: string;
  status: string;  // booked | checked_in | cancelled | missed
  dose_number: number | null;
  person: PersonSummary;
}

export interface FacilityDay {
  facility: { code: string; name: string; status: string };
  day: string;
  today: string;
  tally: {
    given: number;
    recorded: number;
    recorded_late: number;
    bookings: number;
    checked_in: number;
    checked_in_without_dose: number;
    unsigned_doses: number;
  };
  stock: { vaccine: string; received: number; used: number; available: number }[];
  // Lots the facility holds with doses left, first to expire first.
  lots_in_stock: { vaccine: string; lot: string; expires_on: string; available: number; expired: boolean }[];
  lots: { vaccine: string; lot: string; last_day: string; doses: number }[];
}

export interface CheckInWarning {
  code: string;  // booking_other_day | fully_vaccinated | too_early | name_differs | dob_differs
  message: string;
}

export interface CheckInAnswer extends PersonRecord {
  created: boolean;
  registration: { id: number; day: string; status: string } | null;
  warnings: CheckInWarning[];
}

export interface FacilityDose {
  id: number;
  person_id: number;
  vaccine: string;
  lot: string;
  dose_number: number;
  administered_at: string;
  status: string;
  void_reason?: string;
  person: PersonSummary;
}

export interface Page<T> {
  items: T[];
  next_after_id: number | null;
}

const enc = encodeURIComponent;

export function facilityDay(code: string, signal?: AbortSignal): Promise<FacilityDay> {
  return api(`/api/v1/facilities/${enc(code)}/day`, { signal });
}

export function dayBookings(code: string, q: string, signal?: AbortSignal): Promise<Page<DayBooking>> {
  const query = q.trim() ? `?q=${enc(q.trim())}` : "";
  return api(`/api/v1/facilities/${enc(code)}/bookings${query}`, { signal });
}

export function facilityDoses(code: string, which: "given_day" | "recorded_day", day: string, signal?: AbortSignal): Promise<Page<FacilityDose>> {
  return api(`/api/v1/facilities/${enc(code)}/doses?${which}=${enc(day)}`, { signal });
}

export function checkIn(what: { qr: string } | { registration_id: number }): Promise<CheckInAnswer> {
  return api("/api/v1/checkin", { body: what });
}

export interface NewDose {
  person_id: number;
  vaccine: string;
  lot: string;
  dose_number: number;
  administered_at: string;
  idempotency_key: string;
}

export function recordDose(d: NewDose): Promise<{ id: number }> {
  return api("/api/v1/doses", { body: d });
}

export function voidDose(id: number, reason: string): Promise<unknown> {
  return api(`/api/v1/doses/${id}/void`, { body: { reason } });
}

export interface SignedBatch {
  doses_signed: number;
  remaining: number;
}

export function signDoses(code: string): Promise<SignedBatch> {
  return api(`/api/v1/facilities/${enc(code)}/sign-doses`, { body: {} });
}

export interface UploadReport {
  rows: number;
  recorded: number;
  failed: number;
  quarantined: number;
  errors: { line: number; record_id: string; quarantine_id?: number; error: { code: string; message: string; field?: string } }[];
  errors_truncated: boolean;
}

export function uploadCsv(file: Blob): Promise<UploadReport> {
  return api("/api/v1/doses/csv", { rawBody: file, contentType: "text/csv" });
}

// A batch file as facility software writes it: {"items":[dose, ...]} (or the bare array). The
// answer is turned into the same report as a CSV upload's, numbered from 1 by item.
export interface BatchAnswer {
  recorded: number;
  failed: number;
  quarantined: number;
  results: { index: number; quarantine_id?: number; error?: { code: string; message: string; field?: string } }[];
}

export async function uploadBatch(file: Blob): Promise<UploadReport> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await file.text());
  } catch {
    throw new BatchFileError();
  }
  const items = Array.isArray(parsed) ? parsed : (parsed as { items?: unknown })?.items;
  if (!Array.isArray(items)) throw new BatchFileError();
  const answer: BatchAnswer = await api("/api/v1/doses/batch", { body: { items } });
  return {
    rows: items.length,
    recorded: answer.recorded,
    failed: answer.failed,
    quarantined: answer.quarantined,
    errors: answer.results.filter((r) => r.error).map((r) => ({
      line: r.index + 1,
      record_id: "",
      quarantine_id: r.quarantine_id,
      error: r.error!,
    })),
    errors_truncated: false,
  };
}

// A file that is not a batch: said to the user in their language (work.batchFileInvalid).
export class BatchFileError extends Error {
  constructor() {
    super("batch file invalid");
  }
}

export interface QuarantinedRow {
  id: number;
  received_at: string;
  channel: "csv" | "file" | "batch";
  line: number;
  record_id: string;
  row: string;
  reason: { code: string; field: string; message: string };
  status: string;
  fixed?: boolean;
  match?: { status: string; matched_cccd: string; score: number | null };
}

export function quarantinedRows(status = "open", signal?: AbortSignal): Promise<Page<QuarantinedRow>> {
  return api(`/api/v1/quarantine?status=${enc(status)}`, { signal });
}

export function releaseRow(id: number, row: string, overrideReason = ""): Promise<unknown> {
  const body: Record<string, string> = { row };
  if (overrideReason) body.override_reason = overrideReason;
  return api(`/api/v1/quarantine/${id}/release`, { body });
}

export function rejectRow(id: number, reason: string): Promise<unknown> {
  return api(`/api/v1/quarantine/${id}/reject`, { body: { reason } });
}
