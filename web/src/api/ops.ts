// The response centre's figures: operations_api.cc, the correction report (corrections_api.cc)
// and the server's own /metrics (Prometheus text), read the same way Prometheus reads them.
import { api, apiFetch } from "./client";

export interface HourCount {
  hour: string;
  count: number;
}

export interface OpsOverview {
  as_of: string;
  province: string;
  today: string;
  doses_per_hour: HourCount[];
  certificates_per_hour: HourCount[];
  silent_facilities: { total: number; items: { code: string; name: string; province_code: string }[] };
}

export interface UnitFigures {
  unit: string;
  received: number;
  open: number;
  decided: number;
  decided_within_deadline: number;
  overdue: number;
  escalated: number;
}

export function opsOverview(signal?: AbortSignal): Promise<OpsOverview> {
  return api("/api/v1/ops/overview", { signal });
}

export function correctionReport(signal?: AbortSignal): Promise<{ total: UnitFigures; rows: UnitFigures[] }> {
  return api("/api/v1/corrections/report?by=province", { signal });
}

// Samples of the metrics text: name{labels} value, one per line, comments skipped.
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[3] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    out.push({ name: m[1], labels, value: Number(m[4]) });
  }
  return out;
}

export async function serverMetrics(signal?: AbortSignal): Promise<Sample[]> {
  const res = await apiFetch("/metrics", { signal, anonymous: true });
  return parseMetrics(await res.text());
}

// The sum of `name` over the samples whose labels match `where`.
export function sum(samples: Sample[], name: string, where: (labels: Record<string, string>) => boolean = () => true): number {
  return samples.filter((s) => s.name === name && where(s.labels)).reduce((a, s) => a + s.value, 0);
}
