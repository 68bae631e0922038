// A photo of a paper card, to read beside the record: zoom in and out, rotate a quarter turn,
// each with a button (keyboard and screen-reader friendly) and the zoom level announced.
import { useEffect, useState } from "preact/hooks";
import { correctionPhoto } from "../../api/area";
import { t } from "../../i18n";

export function PhotoViewer({ requestId, count }: { requestId: number; count: number }) {
  const [n, setN] = useState(0);
  const [url, setUrl] = useState<string | null>(null);
  const [zoom, setZoom] = useState(1);
  const [turn, setTurn] = useState(0);
  useEffect(() => {
    if (count === 0) return;
    const ctl = new AbortController();
    let made: string | null = null;
    correctionPhoto(requestId, n, ctl.signal).then((u) => { made = u; setUrl(u); }, () => setUrl(null));
    return () => { ctl.abort(); if (made) URL.revokeObjectURL(made); };
  }, [requestId, n, count]);
  if (count === 0) return <p>{t("area.noPhotos")}</p>;
  return (
    <figure class="photo-viewer">
      <div class="button-group" role="group" aria-label={t("area.photoTools")}>
        <button type="button" class="button button--secondary" onClick={() => setZoom((z) => Math.min(4, z * 1.5))}>{t("area.zoomIn")}</button>
        <button type="button" class="button button--secondary" onClick={() => setZoom((z) => Math.max(0.5, z / 1.5))}>{t("area.zoomOut")}</button>
        <button type="button" class="button button--secondary" onClick={() => setTurn((r) => (r + 90) % 360)}>{t("area.rotate")}</button>
        {count > 1 && <button type="button" class="button button--secondary" onClick={() => { setN((n + 1) % count); setZoom(1); setTurn(0); }}>{t("area.nextPhoto", { n: ((n + 1) % count) + 1, count })}</button>}
      </div>
      <p class="hint" role="status">{t("area.zoomLevel", { pct: Math.round(zoom * 100), deg: turn })}</p>
      {/* Scrollable when zoomed: focusable so the keyboard can scroll it too. */}
      <div class="photo-frame" tabIndex={0} role="region" aria-label={t("area.photoAlt", { n: n + 1, count })}>
        {url && <img src={url} alt={t("area.photoAlt", { n: n + 1, count })} style={{ transform: `rotate(${turn}deg) scale(${zoom})` }} data-zoom={zoom} data-turn={turn} />}
      </div>
    </figure>
  );
}
