import { formatPercent } from "../format";
import { t } from "../i18n";
import { TILE_GRID, initials } from "./tile_grid";

export interface TileDatum {
  code: string;
  name: string;
  share: number | null;  // 0..1, null when unknown
}

// Six classes of the share, 0-100%.
function shade(share: number | null): string {
  if (share === null || !Number.isFinite(share)) return "t0";
  return `t${Math.min(5, Math.max(0, Math.floor(share * 6)))}`;
}

// The coverage map. Screen readers get the same figures from the table below it, so the grid is
// one labelled image; each tile also has a tooltip with its name and share.
export function TileMap({ data, label }: { data: TileDatum[]; label: string }) {
  const byCode = new Map(data.map((d) => [d.code, d]));
  return (
    <figure>
      <div class="tile-map" role="img" aria-label={label}>
        {Object.entries(TILE_GRID).map(([code, [row, col]]) => {
          const d = byCode.get(code);
          return (
            <div key={code} class={`tile ${shade(d?.share ?? null)}`} style={{ gridRow: row + 1, gridColumn: col + 1 }}
              title={d ? `${d.name}: ${formatPercent(d.share)}` : code} aria-hidden="true">
              {d ? initials(d.name) : code}
            </div>
          );
        })}
      </div>
      <figcaption>
        <p class="hint">{t("stats.coverageMapDesc")}</p>
        <ul class="legend" aria-label={t("stats.legend")}>
          {[0, 1, 2, 3, 4, 5].map((i) => (
            <li key={i}><span class={`swatch t${i}`} aria-hidden="true" />{Math.round((i * 100) / 6)}–{Math.round(((i + 1) * 100) / 6)}%</li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
