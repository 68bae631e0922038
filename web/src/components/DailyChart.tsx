import { formatDate, formatNumber } from "../format";

export interface DailyPoint {
  day: string;
  value: number;
  avg7?: number;
}

// Bars for each day and a line for the 7-day average, as an SVG that scales to its container.
// The figure is described by `label`; the same numbers are in a table beside it.
export function DailyChart({ points, label }: { points: DailyPoint[]; label: string }) {
  const W = 720, H = 240, L = 48, B = 24, T = 8;
  if (points.length === 0) return null;
  const max = Math.max(1, ...points.map((p) => Math.max(p.value, p.avg7 ?? 0)));
  const step = (W - L) / points.length;
  const y = (v: number) => T + (H - T - B) * (1 - v / max);
  const line = points
    .map((p, i) => (p.avg7 === undefined ? null : `${(L + i * step + step / 2).toFixed(1)},${y(p.avg7).toFixed(1)}`))
    .filter(Boolean)
    .join(" ");
  // All bars as one path: one DOM node whatever the number of days.
  const w = Math.max(0.5, step * 0.8);
  const bars = points
    .map((p, i) => {
      const top = y(p.value);
      return `M${(L + i * step + step * 0.1).toFixed(1)} ${(H - B).toFixed(1)}V${top.toFixed(1)}h${w.toFixed(2)}V${(H - B).toFixed(1)}z`;
    })
    .join("");
  const ticks = [0, 0.5, 1].map((f) => Math.round(max * f));
  const labelEvery = Math.max(1, Math.ceil(points.length / 6));
  return (
    <svg class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} preserveAspectRatio="none">
      {ticks.map((v) => (
        <g key={v}>
          <line class="axis" x1={L} x2={W} y1={y(v)} y2={y(v)} />
          <text x={L - 4} y={y(v) + 4} text-anchor="end">{formatNumber(v)}</text>
        </g>
      ))}
      <path class="bar" d={bars} />
      {line && <polyline class="avg" points={line} />}
      {points.map((p, i) => (i % labelEvery === 0 ? (
        <text key={`l${p.day}`} x={L + i * step} y={H - 6}>{formatDate(p.day)}</text>
      ) : null))}
    </svg>
  );
}
