// Health authorities' calls: the correction queue and decisions (corrections_api.cc), identity
// review (identity_api.cc), facilities (facilities_api.cc), people by status (area_people_api.cc).
import { api, apiFetch } from "./client";
import type { CorrectionRequest } from "./corrections";
import type { PersonRecord } from "./types";

export interface HandlerRequest extends CorrectionRequest {
  person_id: number;
  dose_id?: number | null;
  assigned_unit: string;
  facility_code?: string;
  escalations: number;
  version: number;
  photos: number;
  decision_note?: string;
  events?: { at: number; event: string; actor?: string; detail?: Record<string, unknown> }[];
}

export interface RejectReason {
  code: string;
  vi: string;
  en: string;
}

const enc = encodeURIComponent;

export function correctionQueue(status: string, signal?: AbortSignal): Promise<{ items: HandlerRequest[] }> {
  return api(`/api/v1/corrections?scope=area&status=${enc(status)}&limit=100`, { signal });
}

export function correction(id: number, signal?: AbortSignal): Promise<HandlerRequest> {
  return api(`/api/v1/corrections/${id}`, { signal });
}

export function personRecord(id: number, signal?: AbortSignal): Promise<PersonRecord> {
  return api(`/api/v1/people/${id}/record`, { signal });
}

export function rejectReasons(signal?: AbortSignal): Promise<{ reasons: RejectReason[] }> {
  return api("/api/v1/corrections/reasons", { signal });
}

// The photo as an object URL (the route needs the session token, so no plain <img src>).
export async function correctionPhoto(id: number, n: number, signal?: AbortSignal): Promise<string> {
  const res = await apiFetch(`/api/v1/corrections/${id}/photos/${n}`, { signal });
  return URL.createObjectURL(await res.blob());
}

export function approveCorrection(id: number, version: number, note: string, overrideReason: string): Promise<unknown> {
  return api(`/api/v1/corrections/${id}/approve`, { body: { version, note, ...(overrideReason ? { override_reason: overrideReason } : {}) } });
}

export function rejectCorrection(id: number, version: number, reason: string, note: string): Promise<unknown> {
  return api(`/api/v1/corrections/${id}/reject`, { body: { version, reason, note } });
}

export function askCitizen(id: number, version: number, question: string): Promise<unknown> {
  return api(`/api/v1/corrections/${id}/request-info`, { body: { version, question } });
}

export interface ReviewSide {
  cccd: string;
  cmnd: string;
  full_name: string;
  dob: string;
  sex: string;
  province_code: string;
  district_code: string;
  commune_code: string;
}

export interface ReviewItem {
  person_id: number;
  status: string;
  score: number;
  weight: number;
  details: Record<string, number | string>;
  record: ReviewSide;
  candidate: ReviewSide | null;
}

export function reviewQueue(status: string, signal?: AbortSignal): Promise<{ items: ReviewItem[] }> {
  return api(`/api/v1/identity/review?status=${enc(status)}&limit=50`, { signal });
}

export function decideReview(personId: number, accept: boolean): Promise<unknown> {
  return api(`/api/v1/identity/review/${personId}/${accept ? "accept" : "reject"}`, { method: "POST" });
}

export interface FacilityRow {
  code: string;
  name: string;
  status: string;
  province_code: string;
  district_code: string;
  daily_capacity: number;
}

export function areaFacilities(status: string, province: string, signal?: AbortSignal): Promise<{ items: FacilityRow[] }> {
  const q = new URLSearchParams({ status, limit: "200" });
  if (province) q.set("province", province);
  return api(`/api/v1/facilities?${q}`, { signal });
}

export function decideFacility(code: string, approve: boolean, reason: string): Promise<unknown> {
  return api(`/api/v1/facilities/${enc(code)}/${approve ? "approve" : "suspend"}`, { body: approve ? {} : { reason } });
}

export interface AreaPerson {
  id: number;
  full_name: string;
  dob: string;
  cccd: string;
  phone: string;
  commune_code: string;
  vax_status: string;
  last_dose_day: string;
  next_due_day: string;
}

export function peopleByStatus(status: string, signal?: AbortSignal): Promise<{ items: AreaPerson[]; next_after_id: number | null }> {
  return api(`/api/v1/people/by-status?status=${enc(status)}&limit=100`, { signal });
}

// The whole list as a CSV file, saved through a temporary link (the route needs the token).
export async function downloadPeopleCsv(status: string): Promise<void> {
  const res = await apiFetch(`/api/v1/people/by-status?status=${enc(status)}&format=csv`);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = `vaxreg-people-${status}.csv`;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export interface QualityReport {
  unit: string;
  people: number;
  unverified: number;
  verified: number;
  proposed_correction: number;
  not_found: number;
  mismatch: number;
  suspected_duplicates: number;
  open_merge_proposals: number;
  continuity_conflicts: number;
  open_reviews: number;
}

export interface MergePerson {
  id: number;
  full_name: string;
  dob: string;
  cccd: string | null;
  phone: string;
  commune_code: string;
  active_doses: number;
}

export interface MergeProposal {
  id: number;
  status: string;
  score: number;
  survivor: MergePerson;
  duplicate: MergePerson;
}

export function qualityReport(signal?: AbortSignal): Promise<QualityReport> {
  return api("/api/v1/identity/quality", { signal });
}

// What facilities sent in the last 7 days (quarantine_api.cc GET /api/v1/quarantine/quality).
export interface ImportCounts { kept: number; open: number; released: number; fixed: number; rejected: number }
export interface ImportQuality {
  area: string;
  from: string;
  to: string;
  totals: ImportCounts;
  reasons: (ImportCounts & { code: string; field: string; example: string })[];
  time_to_clean: { handled: number; median_hours: number; p90_hours: number };
  facilities: { facility_code: string; name: string; doses_recorded: number; rows_kept: number; kept_per_1000: number }[];
}

export function importQuality(signal?: AbortSignal): Promise<ImportQuality> {
  return api("/api/v1/quarantine/quality", { signal });
}

export function mergeProposals(signal?: AbortSignal): Promise<{ items: MergeProposal[] }> {
  return api("/api/v1/identity/duplicates?limit=50", { signal });
}

export function decideDuplicate(id: number, action: "merge" | "reject" | "undo"): Promise<MergeProposal> {
  return api(`/api/v1/identity/duplicates/${id}/${action}`, { method: "POST" });
}

export interface StockRow {
  holder: string;
  vaccine: string;
  received: number;
  allocated_out: number;
  used: number;
  available: number;
}

// The stock of one holder ("VN", a province or a facility), from the public statistics.
export async function stockOf(holder: string, signal?: AbortSignal): Promise<StockRow[]> {
  const r = await api<{ items: StockRow[] }>(`/api/v1/stats/stock?holder=${enc(holder)}`, { signal });
  return r.items;
}

// `lot` "" moves doses without naming their lot; a named lot moves only as far as it was received.
export function allocate(vaccine: string, from: string, to: string, quantity: number, lot = ""): Promise<{ id: number }> {
  return api("/api/v1/allocations", { body: lot ? { vaccine, from, to, quantity, lot } : { vaccine, from, to, quantity } });
}
