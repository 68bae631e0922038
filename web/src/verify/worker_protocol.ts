// Messages between the verifier page (worker_client.ts) and its worker (worker.ts). Every request
// carries an id; the worker answers each with the same id, exactly once, and never throws.
import type { Verdict } from "./verify";

// The texts the page fetched (network first, the service worker's copy when offline).
export interface ListTexts {
  trust: string;
  revocation: string | null;  // null: no revocation list reachable; verified without it
  jwks: string | null;        // null: no SMART Health Card keys published
  crls: string[];             // the revocation lists of the SMART Health Card keys found
}

// What the page shows about the lists it verifies against.
export interface ListsSummary {
  ok: boolean;          // false: the trust list did not verify, nothing can be checked
  issuedAt?: number;    // the trust list's issue time, unix seconds
  dscs: number;         // document signer certificates in the trust list
  revoked: number;      // revoked certificates listed
  shc: boolean;         // SMART Health Card keys are loaded
}

export type WorkerRequest =
  | { id: number; op: "shcKids"; jwks: string }
  | { id: number; op: "lists"; texts: ListTexts }
  | { id: number; op: "dcc"; qr: string }
  | { id: number; op: "shc"; qr: string };

export type WorkerAnswer =
  | { id: number; kids: string[] }
  | { id: number; lists: ListsSummary }
  | { id: number; verdict: Verdict }
  | { id: number; failed: string };
