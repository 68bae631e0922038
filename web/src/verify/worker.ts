// The verifier's worker: parses the trust, revocation and SMART Health Card key lists and checks
// certificates away from the page's main thread, so the page stays responsive while X.509, CBOR,
// inflate and signatures are worked through. It holds the parsed lists between requests; it
// fetches nothing (the page does, through the service worker). Protocol: worker_protocol.ts.
import { emptyRevocationList, parseRevocationList, type RevocationList } from "./revocation";
import { parseShcKeys, verifyShc, type ShcKeys } from "./shc";
import { parseTrustList, type TrustList } from "./trust";
import { verifyDcc } from "./verify";
import type { ListTexts, ListsSummary, WorkerAnswer, WorkerRequest } from "./worker_protocol";

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null;
  postMessage: (answer: WorkerAnswer) => void;
};

let trust: TrustList | null = null;
let revoked: RevocationList = emptyRevocationList();
let shc: ShcKeys | null = null;

async function loadLists(texts: ListTexts): Promise<ListsSummary> {
  const parsed = await parseTrustList(texts.trust);
  if (!parsed.ok) {
    trust = null;
    return { ok: false, dscs: 0, revoked: 0, shc: false };
  }
  trust = parsed.value;
  revoked = emptyRevocationList();
  if (texts.revocation !== null) {
    const rev = await parseRevocationList(texts.revocation, trust);
    if (rev.ok) revoked = rev.value;
  }
  shc = texts.jwks === null ? null : parseShcKeys(texts.jwks, texts.crls);
  return { ok: true, issuedAt: trust.issuedAt, dscs: trust.dscs.length, revoked: revoked.hashes.size, shc: shc !== null };
}

async function answer(req: WorkerRequest): Promise<WorkerAnswer> {
  switch (req.op) {
    case "shcKids":
      return { id: req.id, kids: [...(parseShcKeys(req.jwks)?.byKid.keys() ?? [])] };
    case "lists":
      return { id: req.id, lists: await loadLists(req.texts) };
    case "dcc":
      if (trust === null) return { id: req.id, failed: "no_trust_list" };
      return { id: req.id, verdict: await verifyDcc(req.qr, trust, revoked) };
    case "shc":
      if (shc === null) return { id: req.id, failed: "no_shc_keys" };
      return { id: req.id, verdict: await verifyShc(req.qr, shc) };
  }
}

scope.onmessage = (e) => {
  const req = e.data;
  answer(req).then(scope.postMessage, (err: unknown) => scope.postMessage({ id: req.id, failed: String(err) }));
};
