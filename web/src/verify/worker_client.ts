// The page's side of the verifier's worker (worker.ts): one worker per page load, started on the
// first request, with promises for its answers. The worker's script is built apart from the app
// (build.mjs names it in __VERIFY_WORKER__) so the page downloads none of the verification code.
import type { Verdict } from "./verify";
import type { ListTexts, ListsSummary, WorkerAnswer, WorkerRequest } from "./worker_protocol";

declare const __VERIFY_WORKER__: string;

type Pending = { resolve: (a: WorkerAnswer) => void; reject: (e: Error) => void };
// Request shapes without their id (the client numbers them).
type Ask = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, Pending>();

function failAll(why: string): void {
  for (const p of pending.values()) p.reject(new Error(why));
  pending.clear();
  worker?.terminate();
  worker = null;  // the next request starts a new worker
}

function ask(req: Ask): Promise<WorkerAnswer> {
  if (worker === null) {
    worker = new Worker(__VERIFY_WORKER__);
    worker.onmessage = (e: MessageEvent<WorkerAnswer>) => {
      const p = pending.get(e.data.id);
      pending.delete(e.data.id);
      p?.resolve(e.data);
    };
    worker.onerror = (e) => {
      e.preventDefault();
      failAll(e.message || "the verifier's worker failed");
    };
  }
  const id = nextId++;
  const w = worker;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    w.postMessage({ ...req, id } as WorkerRequest);
  });
}

function failed(a: WorkerAnswer): Error {
  return new Error("failed" in a ? a.failed : "unexpected answer from the verifier's worker");
}

// The kids of the SMART Health Card keys in `jwks` (empty when it is not a key set).
export async function shcKids(jwks: string): Promise<string[]> {
  const a = await ask({ op: "shcKids", jwks });
  if ("kids" in a) return a.kids;
  throw failed(a);
}

// Parses and verifies the lists; later checks use them.
export async function loadLists(texts: ListTexts): Promise<ListsSummary> {
  const a = await ask({ op: "lists", texts });
  if ("lists" in a) return a.lists;
  throw failed(a);
}

// Verifies an EU DCC ("HC1:...") or a SMART Health Card ("shc:/...") against the loaded lists.
export async function verifyQr(kind: "dcc" | "shc", qr: string): Promise<Verdict> {
  const a = await ask({ op: kind, qr });
  if ("verdict" in a) return a.verdict;
  throw failed(a);
}
