// The facility finder (GET /api/v1/facilities) and the administrative units behind its pickers.
import { api } from "./client";
import type { Area } from "./types";

export interface DayCapacity { day: string; remaining: number; booked?: number; }
export interface Facility {
  code: string;
  name: string;
  address: string;
  province_code: string;
  district_code: string;
  daily_capacity: number;
  capacity: DayCapacity[];
}

type Json = Record<string, unknown>;

export async function areas(parent: string, signal: AbortSignal): Promise<Area[]> {
  const r = await api<{ items: Area[] }>(`/api/v1/areas?parent=${encodeURIComponent(parent)}`, { signal });
  return r.items;
}

export async function findFacilities(
  filter: { province: string; district: string; q: string; after?: string },
  signal: AbortSignal,
): Promise<{ items: Facility[]; next?: string }> {
  const p = new URLSearchParams();
  if (filter.province) p.set("province", filter.province);
  if (filter.district) p.set("district", filter.district);
  if (filter.q.trim()) p.set("q", filter.q.trim());
  if (filter.after) p.set("after", filter.after);
  p.set("status", "active");
  // Ten a page ("more" appends the next ten): a phone shows three at a time, and each carries a
  // week of free places, so a longer first page only delays the first screen.
  p.set("limit", "10");
  const r = await api<Json>(`/api/v1/facilities?${p}`, { signal, anonymous: true });
  const items = ((r.items as Json[]) ?? []).map((f) => {
    const cap = (f.capacity ?? f.remaining ?? []) as Json[];
    return {
      code: String(f.code),
      name: String(f.name),
      address: String(f.address ?? ""),
      province_code: String(f.province_code ?? ""),
      district_code: String(f.district_code ?? ""),
      daily_capacity: Number(f.daily_capacity ?? 0),
      capacity: Array.isArray(cap) ? cap.map((c) => ({ day: String(c.day), remaining: Number(c.remaining ?? 0), booked: c.booked === undefined ? undefined : Number(c.booked) })) : [],
    };
  });
  const next = (r.next_after ?? r.next) as string | undefined;
  return { items, next: next || undefined };
}
