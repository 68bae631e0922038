// Administrators' calls: accounts (users_api.cc) and the audit log (audit_api.cc).
import { api } from "./client";

export interface Account {
  id: number;
  username: string;
  role: string;
  display_name: string;
  facility_code?: string;
  admin_unit_code?: string;
  disabled: boolean;
  created_at: number;
}

export interface AuditItem {
  seq: number;
  at: number;
  actor: string;
  action: string;
  target: string;
  before: string;
  after: string;
  request_id: string;
}

const enc = encodeURIComponent;

export function listAccounts(role: string, signal?: AbortSignal): Promise<{ items: Account[]; next_after?: number }> {
  return api(`/api/v1/users?limit=200${role ? `&role=${enc(role)}` : ""}`, { signal });
}

export interface NewAccount {
  username: string;
  role: string;
  password: string;
  display_name: string;
  facility_code?: string;
  admin_unit_code?: string;
}

export function createAccount(a: NewAccount): Promise<Account> {
  return api("/api/v1/users", { body: a });
}

export function setDisabled(id: number, disabled: boolean, reason: string): Promise<unknown> {
  return api(`/api/v1/users/${id}/${disabled ? "disable" : "enable"}`, { body: disabled ? { reason } : {} });
}

export function resetPassword(id: number, password: string): Promise<unknown> {
  return api(`/api/v1/users/${id}/password`, { body: { password } });
}

export function changeRole(id: number, role: string, binding: { facility_code?: string; admin_unit_code?: string }): Promise<unknown> {
  return api(`/api/v1/users/${id}/role`, { body: { role, ...binding } });
}

export function endSessions(id: number): Promise<unknown> {
  return api(`/api/v1/users/${id}/sessions/revoke`, { body: {} });
}

export interface AuditFilter {
  actor: string;
  target: string;
  action: string;
  from: string;
  to: string;
}

export function searchAudit(f: AuditFilter, before: number, signal?: AbortSignal): Promise<{ items: AuditItem[]; next_before: number | null }> {
  const q = new URLSearchParams({ limit: "50" });
  for (const [k, v] of Object.entries(f)) if (v.trim()) q.set(k, v.trim());
  if (before) q.set("before", String(before));
  return api(`/api/v1/audit?${q}`, { signal });
}

export interface AdminStatus {
  version: string;
  database: string;
  configuration: string;
  signer: { kid: string; not_after: string | null; days_left: number; rotation_due: boolean; can_issue: boolean } | null;
  accounts: Record<string, { accounts: number; disabled: number }>;
}

export function adminStatus(signal?: AbortSignal): Promise<AdminStatus> {
  return api("/api/v1/admin/status", { signal });
}
