// Correction requests and self-declared doses as the citizen's routes answer them.
export interface CorrectionRequest {
  id: number;
  tracking: string;
  kind: "missing_dose" | "identity" | "dose_fact" | "wrong_person";
  claim: Record<string, unknown>;
  note: string;
  status: "open" | "info_needed" | "approved" | "rejected" | string;
  level: string;
  received_at: number;
  due_at: number;
  clock_stopped: boolean;
  seconds_left: number;
  overdue: boolean;
  info_question?: string;
  decided_at?: number;
  decided_in_time?: boolean;
  reject_reason?: { code: string; vi?: string; en?: string };
  events?: { at: number; event: string; detail?: Record<string, unknown> }[];
}
