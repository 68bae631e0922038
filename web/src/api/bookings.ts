// A citizen's bookings (pre-registrations): book, list, cancel, move. One active booking per dose.
import { api } from "./client";

export interface Booking {
  id: number;
  facility_code: string;
  facility_name?: string;
  day: string;
  dose_number?: number;
  status: string;
  qr?: string;
}

type Json = Record<string, unknown>;
function booking(j: Json): Booking {
  return {
    id: Number(j.id ?? j.registration_id),
    facility_code: String(j.facility_code ?? ""),
    facility_name: j.facility_name ? String(j.facility_name) : undefined,
    day: String(j.day ?? ""),
    dose_number: j.dose_number === undefined || j.dose_number === null ? undefined : Number(j.dose_number),
    status: String(j.status ?? "booked"),
    qr: j.qr ? String(j.qr) : j.qr_text ? String(j.qr_text) : undefined,
  };
}

export async function myBookings(signal: AbortSignal): Promise<Booking[]> {
  const r = await api<Json>("/api/v1/me/bookings", { signal });
  return ((r.items as Json[]) ?? []).map(booking);
}

export async function book(facility_code: string, day: string): Promise<Booking> {
  return booking(await api<Json>("/api/v1/registrations", { body: { facility_code, day } }));
}

export async function cancelBooking(id: number): Promise<void> {
  await api(`/api/v1/registrations/${id}/cancel`, { method: "POST", body: {} });
}

export async function moveBooking(id: number, facility_code: string, day: string): Promise<Booking> {
  return booking(await api<Json>(`/api/v1/registrations/${id}/move`, { body: { facility_code, day } }));
}
