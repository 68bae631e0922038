// The verifier: scan a certificate QR with the camera (jsQR: Chromium on Linux has no
// BarcodeDetector), paste its text or pick a picture; the EU DCC is verified here, in the
// browser, against the trust and revocation lists (kept by the service worker for offline use),
// by a worker (verify/worker.ts) so the parsing and signature checks never hold up the page.
// The verdict lives only in this component's state: nothing about the person is stored.
import { useEffect, useRef, useState } from "preact/hooks";
import { Layout } from "../components/Layout";
import { Field } from "../components/Field";
import { decodeFile, useQrCamera } from "../components/camera";
import { formatDate, formatDateTime } from "../format";
import { t, hasMessage } from "../i18n";
import type { Verdict } from "../verify";
import type { ListsSummary } from "../verify/worker_protocol";
import { loadLists as parseLists, shcKids, verifyQr } from "../verify/worker_client";

async function fetchText(path: string): Promise<string> {
  const res = await fetch(path, { cache: "no-cache" });
  if (!res.ok) throw new Error(String(res.status));
  return res.text();
}

// The SMART Health Card keys (/.well-known/jwks.json, fetched by the caller) and the revocation
// list of each key, those fetched side by side; null when no keys are published or reachable.
async function fetchShcKeys(jwksText: Promise<string>): Promise<{ jwks: string; crls: string[] } | null> {
  try {
    const jwks = await jwksText;
    const kids = await shcKids(jwks);
    if (kids.length === 0) return null;
    const crls = await Promise.all(kids.map((kid) =>
      // No list for a key: nothing it signed is revoked.
      fetchText(`/.well-known/crl/${encodeURIComponent(kid)}.json`).catch(() => null)));
    return { jwks, crls: crls.filter((l): l is string => l !== null) };
  } catch {
    return null;
  }
}

// Fetches the lists (network first; the service worker answers from its cache when offline) and
// has the verifier's worker parse and verify them; null when there is no usable trust list.
// The documents are requested at once: on a slow mobile link each round trip costs more than
// reading them.
async function loadLists(): Promise<ListsSummary | null> {
  const trustText = fetchText("/api/v1/trust-list");
  const revocationText = fetchText("/api/v1/revocation-list").catch(() => null);
  const shc = fetchShcKeys(fetchText("/.well-known/jwks.json"));
  try {
    // The trust list first: the other two never reject, so no rejection waits unhandled.
    const trust = await trustText;
    const keys = await shc;
    const summary = await parseLists({
      trust,
      revocation: await revocationText,  // null: verified without it (the trust list still applies)
      jwks: keys?.jwks ?? null,
      crls: keys?.crls ?? [],
    });
    return summary.ok ? summary : null;
  } catch {
    return null;
  }
}

function reasonText(reason: string): string {
  const key = `verify.reason.${reason}`;
  return hasMessage(key) ? t(key) : reason;
}

function VerdictView({ v, onClear }: { v: Verdict; onClear: () => void }) {
  const name = v.name ? [v.name.family, v.name.given].filter(Boolean).join(" ") : "";
  const last = v.doses && v.doses.length ? v.doses[v.doses.length - 1] : undefined;
  return (
    <section aria-labelledby="verdict-word" aria-live="assertive">
      <div class={`verdict ${v.valid ? "verdict--valid" : "verdict--invalid"}`}>
        <span class="verdict-word" id="verdict-word">{v.valid ? t("verify.valid") : t("verify.invalid")}</span>
        <span>{reasonText(v.reason)}</span>
      </div>
      <dl class="summary-list">
        {name && <div><dt>{t("verify.name")}</dt><dd>{name}</dd></div>}
        {v.birthDate && <div><dt>{t("verify.birth")}</dt><dd>{v.birthDate.length === 10 ? formatDate(v.birthDate) : v.birthDate}</dd></div>}
        {v.status && <div><dt>{t("verify.status")}</dt><dd>{t(v.status === "full" ? "verify.status.full" : "verify.status.partial")}</dd></div>}
        {last && <div><dt>{t("verify.doses")}</dt><dd>{t("verify.dosesValue", { dn: last.dn, sd: last.sd, date: formatDate(last.date) })}</dd></div>}
        {v.expiresAt !== undefined && <div><dt>{t("verify.expires")}</dt><dd>{formatDateTime(v.expiresAt)}</dd></div>}
        {v.issuer && <div><dt>{t("verify.issuer")}</dt><dd>{v.issuer}</dd></div>}
        {!v.valid && v.reasons.length > 1 && (
          <div><dt>{t("verify.reason")}</dt><dd><ul>{v.reasons.map((r) => <li key={r}>{reasonText(r)}</li>)}</ul></dd></div>
        )}
      </dl>
      <button type="button" class="button" onClick={onClear}>{t("verify.clear")}</button>
    </section>
  );
}

export function Verify(_: { params: Record<string, string> }) {
  const [lists, setLists] = useState<ListsSummary | null | undefined>(undefined);
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [text, setText] = useState("");
  const [notice, setNotice] = useState<string | null>(null);
  const [online, setOnline] = useState(navigator.onLine);
  const camera = useQrCamera((found) => { check(found); });
  // The lists being loaded: a code pasted before they are ready waits for them.
  const loading = useRef<Promise<ListsSummary | null> | null>(null);

  useEffect(() => {
    loading.current = loadLists();
    loading.current.then(setLists);
    const on = () => setOnline(navigator.onLine);
    window.addEventListener("online", on);
    window.addEventListener("offline", on);
    return () => {
      window.removeEventListener("online", on);
      window.removeEventListener("offline", on);
    };
  }, []);

  async function check(qr: string) {
    const trimmed = qr.trim();
    const ready = await loading.current;
    if (!ready) {
      setNotice(t("verify.reason.no_trust_list"));
      return;
    }
    const isShc = trimmed.toLowerCase().startsWith("shc:/");
    if (isShc && !ready.shc) {
      setNotice(t("verify.shcUnsupported"));
      return;
    }
    setNotice(null);
    try {
      setVerdict(isShc ? await verifyQr("shc", trimmed.toLowerCase()) : await verifyQr("dcc", trimmed));
      setText("");
    } catch {
      // The worker failed (it answers every code, valid or not, with a verdict otherwise).
      setNotice(t("verify.checkFailed"));
    }
  }

  async function fromFile(file: File | undefined) {
    if (!file) return;
    try {
      const found = await decodeFile(file);
      if (found) await check(found);
      else setNotice(t("verify.noQrInImage"));
    } catch {
      setNotice(t("verify.noQrInImage"));
    }
  }

  return (
    <Layout title={t("verify.title")}>
      <h1 tabIndex={-1}>{t("verify.title")}</h1>
      <p>{t("verify.lead")}</p>
      {!online && <p class="notice" role="status">{t("verify.offline")}</p>}
      {lists === null && <p class="notice notice--error" role="alert">{t("verify.listsMissing")}</p>}
      {notice && <p class="notice notice--error" role="alert">{notice}</p>}
      {camera.failed && <p class="notice notice--error" role="alert">{t("verify.cameraError")}</p>}
      {verdict ? (
        <VerdictView v={verdict} onClear={() => setVerdict(null)} />
      ) : (
        <>
          <div class="scanner">
            <video ref={camera.videoRef} muted playsInline hidden={!camera.scanning} aria-label={t("verify.scanning")} />
            {camera.scanning && <p role="status">{t("verify.scanning")}</p>}
            <div class="button-group">
              {camera.scanning
                ? <button type="button" class="button button--secondary" onClick={camera.stop}>{t("verify.stopScan")}</button>
                : <button type="button" class="button" onClick={() => { setNotice(null); setVerdict(null); camera.start(); }} disabled={!lists}>{t("verify.scan")}</button>}
              <label class="button button--secondary">
                {t("verify.image")}
                <input type="file" accept="image/*" class="visually-hidden" data-testid="verify-image"
                  onChange={(e) => { const el = e.target as HTMLInputElement; fromFile(el.files?.[0]).then(() => { el.value = ""; }); }} />
              </label>
            </div>
          </div>
          <form onSubmit={(e) => { e.preventDefault(); check(text); }}>
            <Field id="hc1" label={t("verify.paste")} hint={t("verify.pasteHint")}>
              <textarea id="hc1" class="textarea mono" rows={4} value={text} aria-describedby="hc1-hint" spellcheck={false}
                onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
            </Field>
            <button type="submit" class="button" disabled={!text.trim()}>{t("verify.check")}</button>
          </form>
        </>
      )}
      {lists && (
        <p class="hint">
          {t("verify.lists", {
            at: lists.issuedAt ? formatDateTime(lists.issuedAt) : "—",
            dsc: lists.dscs,
            revoked: lists.revoked,
          })}
        </p>
      )}
    </Layout>
  );
}
