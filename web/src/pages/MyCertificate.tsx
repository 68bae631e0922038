// "My certificate": the EU DCC QR, large enough to scan from a phone screen, a full-screen view for
// the scanner at the border, and downloads (QR image, printable PDF when the server offers it).
import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { api, apiFetch, ApiError } from "../api/client";
import { Layout } from "../components/Layout";
import { Link } from "../components/Link";
import { ErrorNotice, Loading } from "../components/Status";
import { useAsync } from "../components/use_async";
import { formatDate } from "../format";
import { t } from "../i18n";

interface Certificate {
  id: number;
  uvci: string;
  hc1: string;
  issued_at: string;
  expires_at: string;
  status: string;
}

// Fetches an authenticated image and gives a blob: URL for <img> (which cannot send the token).
function useBlobUrl(path: string | null): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!path) return;
    let created: string | null = null;
    const ctl = new AbortController();
    apiFetch(path, { signal: ctl.signal })
      .then((r) => r.blob())
      .then((b) => {
        created = URL.createObjectURL(b);
        setUrl(created);
      })
      .catch(() => setUrl(null));
    return () => {
      ctl.abort();
      if (created) URL.revokeObjectURL(created);
    };
  }, [path]);
  return url;
}

// Fetches an authenticated file and hands it to the browser as a download.
async function download(path: string, fileName: string): Promise<void> {
  const res = await apiFetch(path);
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export function MyCertificate(_: { params: Record<string, string> }) {
  const cert = useAsync((signal) => api<Certificate>("/api/v1/me/certificate", { signal }), []);
  const qr = useBlobUrl(cert.data ? `/api/v1/me/certificate/qr.svg?v=${cert.data.id}` : null);
  const png = useBlobUrl(cert.data ? `/api/v1/me/certificate/qr.png?v=${cert.data.id}` : null);
  const [full, setFull] = useState(false);
  const [problem, setProblem] = useState<unknown>(undefined);
  const fetchFile = (path: string, name: string) => {
    setProblem(undefined);
    download(path, name).catch(setProblem);
  };
  const closeRef = useRef<HTMLButtonElement>(null);
  // A layout effect: the dialog listens for Escape from the moment it is on screen, not a frame
  // later, so a key pressed at once is not lost.
  useLayoutEffect(() => {
    if (!full) return;
    closeRef.current?.focus();
    const onKey = (e: KeyboardEvent) => { if (e.key === "Escape") setFull(false); };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [full]);

  const none = cert.error instanceof ApiError && cert.error.status === 404;
  return (
    <Layout title={t("cert.title")}>
      <h1 tabIndex={-1}>{t("cert.title")}</h1>
      {cert.loading && !cert.data && <Loading />}
      {none && (
        <div class="notice">
          <p>{t("cert.none")}</p>
          <p><Link href="/me">{t("cert.back")}</Link></p>
        </div>
      )}
      {cert.error !== undefined && !none && <ErrorNotice error={cert.error} retry={cert.reload} />}
      {cert.data && (
        <>
          <p>{t("cert.intro")}</p>
          <figure class="qr-figure">
            {qr ? <img src={qr} alt={t("cert.qrAlt")} width={320} height={320} class="qr" /> : <Loading />}
            <figcaption>
              {t("cert.valid", { from: formatDate(cert.data.issued_at), to: formatDate(cert.data.expires_at) })}
            </figcaption>
          </figure>
          <div class="button-group">
            <button type="button" class="button" onClick={() => setFull(true)} disabled={!qr}>{t("cert.fullscreen")}</button>
            <button type="button" class="button button--secondary" onClick={() => fetchFile("/api/v1/me/certificate.pdf", "chung-nhan-tiem-chung.pdf")}>
              {t("cert.downloadPdf")}
            </button>
            <button type="button" class="button button--secondary" onClick={() => fetchFile("/api/v1/me/certificate.smart-health-card", "chung-nhan.smart-health-card")}>
              {t("cert.downloadShc")}
            </button>
            {png && (
              <a class="button button--secondary" href={png} download={`vaxreg-${cert.data.uvci.replace(/[^A-Za-z0-9]+/g, "-")}.png`}>
                {t("cert.downloadPng")}
              </a>
            )}
          </div>
          {problem !== undefined && <ErrorNotice error={problem} />}
          <dl class="summary-list">
            <div><dt>{t("cert.uvci")}</dt><dd class="mono">{cert.data.uvci}</dd></div>
          </dl>
          {full && qr && (
            <div class="qr-fullscreen" role="dialog" aria-modal="true" aria-label={t("cert.fullscreen")}>
              <img src={qr} alt={t("cert.qrAlt")} />
              <button type="button" class="button" ref={closeRef} onClick={() => setFull(false)}>{t("common.close")}</button>
            </div>
          )}
        </>
      )}
    </Layout>
  );
}
