// The public statistics routes (docs/statistics.md). Every answer carries "as_of"; each table is
// also available as CSV with ?format=csv.
import { api } from "./client";

export interface DailyDoses { day: string; doses: number; avg7?: number; }
export interface CoverageRow {
  code: string; name: string; population: number;
  at_least_one_dose: number; fully_vaccinated: number; booster: number;
}
export interface SupplyRow {
  code: string; name: string; delivered: number; allocated: number; given: number;
  ratio: number | null; rank: number | null;
}
export interface DailyRegistrations { day: string; registrations: number; }
export interface Coverage { as_of: string; denominator: string; national: CoverageRow; items: CoverageRow[]; }

type Json = Record<string, unknown>;
const num = (v: unknown) => (typeof v === "number" ? v : Number(v ?? 0));
const str = (v: unknown) => (v === undefined || v === null ? "" : String(v));

export async function dailyDoses(signal: AbortSignal): Promise<{ as_of: string; items: DailyDoses[] }> {
  const r = await api<Json>("/api/v1/stats/doses?level=national", { signal });
  const items = (r.items as Json[]).map((i) => ({ day: str(i.day), doses: num(i.doses), avg7: i.avg_7d === undefined || i.avg_7d === null ? undefined : num(i.avg_7d) }));
  return { as_of: str(r.as_of), items };
}

function coverageRow(i: Json): CoverageRow {
  return {
    code: str(i.district_code ?? i.province_code),
    name: str(i.district ?? i.province),
    population: num(i.population),
    at_least_one_dose: num(i.at_least_one_dose),
    fully_vaccinated: num(i.fully_vaccinated),
    booster: num(i.booster),
  };
}

export async function coverage(level: "province" | "district", province: string, signal: AbortSignal): Promise<Coverage> {
  const q = level === "district" ? `?level=district&province=${encodeURIComponent(province)}` : "?level=province";
  const r = await api<Json>(`/api/v1/stats/coverage${q}`, { signal });
  return {
    as_of: str(r.as_of),
    denominator: str(r.denominator),
    national: coverageRow((r.national ?? {}) as Json),
    items: (r.items as Json[]).map(coverageRow),
  };
}

export async function supply(signal: AbortSignal): Promise<{ as_of: string; items: SupplyRow[] }> {
  const r = await api<Json>("/api/v1/stats/supply", { signal });
  const items = (r.items as Json[]).map((i) => ({
    code: str(i.province_code),
    name: str(i.province),
    delivered: num(i.delivered),
    allocated: num(i.allocated),
    given: num(i.given),
    ratio: i.given_per_allocated === null || i.given_per_allocated === undefined ? null : num(i.given_per_allocated),
    rank: i.rank === null || i.rank === undefined ? null : num(i.rank),
  }));
  return { as_of: str(r.as_of), items };
}

export async function registrations(signal: AbortSignal): Promise<{ as_of: string; items: DailyRegistrations[] }> {
  const r = await api<Json>("/api/v1/stats/registrations?level=national", { signal });
  return { as_of: str(r.as_of), items: (r.items as Json[]).map((i) => ({ day: str(i.day), registrations: num(i.registrations) })) };
}
