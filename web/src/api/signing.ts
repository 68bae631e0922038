// The central signer's calls (certificate_desk_api.cc).
import { api } from "./client";

export interface SigningStatus {
  can_issue: boolean;
  signer?: { kid: string; not_after: string | null; days_left: number; rotation_due: boolean; status: string };
  revocation_list: { entries: number; epoch: number };
  // The published trust list as verifiers read it (signature checked).
  trust_list?: { published: boolean; dscs?: number; issued_at?: string; has_active_dsc?: boolean; error?: string };
  awaiting_certificate: number;
}

export interface Awaiting {
  person_id: number;
  full_name: string;
  dob: string;
  cccd: string;
  province_code: string;
  signed_doses: number;
}

export interface CertificateRow {
  id: number;
  person_id: number;
  uvci: string;
  doses: string;
  issued_at: string;
  expires_at: string;
  status: string;
  revoke_reason?: string | null;
}

export function signingStatus(signal?: AbortSignal): Promise<SigningStatus> {
  return api("/api/v1/signing/status", { signal });
}

export function awaiting(signal?: AbortSignal): Promise<{ items: Awaiting[]; total?: number; next_after_id: number | null }> {
  return api("/api/v1/certificates/awaiting?limit=50", { signal });
}

export function issueAwaiting(afterId: number, limit: number): Promise<{ issued: number; failed: { person_id: number; error: string }[]; last_person_id: number; done: boolean }> {
  return api("/api/v1/certificates/issue-awaiting", { body: { after_id: afterId, limit } });
}

export function certificatesOf(personId: number, signal?: AbortSignal): Promise<{ items: CertificateRow[] }> {
  return api(`/api/v1/certificates?person_id=${personId}`, { signal });
}

export function revokeCertificate(id: number, reason: string): Promise<CertificateRow> {
  return api(`/api/v1/certificates/${id}/revoke`, { body: { reason } });
}
