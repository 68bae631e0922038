import type { ComponentChildren } from "preact";
import { useMemo, useState } from "preact/hooks";
import { compareNames } from "../format";
import { t } from "../i18n";

export interface Column<R> {
  key: string;
  label: string;
  value: (row: R) => number | string;
  render?: (row: R) => ComponentChildren;
  numeric?: boolean;
}

interface Props<R> {
  caption: string;
  columns: Column<R>[];
  rows: R[];
  rowKey: (row: R) => string;
  initialSort?: { key: string; descending: boolean };
}

// A table whose column headers sort it (aria-sort tells screen readers which way); the caption
// names it for assistive technology.
export function SortableTable<R>({ caption, columns, rows, rowKey, initialSort }: Props<R>) {
  const [sort, setSort] = useState(initialSort ?? { key: columns[0].key, descending: false });
  const sorted = useMemo(() => {
    const col = columns.find((c) => c.key === sort.key) ?? columns[0];
    const out = [...rows].sort((a, b) => {
      const va = col.value(a);
      const vb = col.value(b);
      const cmp = typeof va === "number" && typeof vb === "number" ? va - vb : compareNames(String(va), String(vb));
      return sort.descending ? -cmp : cmp;
    });
    return out;
  }, [rows, sort, columns]);
  return (
    <div class="table-wrap" role="region" tabIndex={0} aria-label={caption}>
      <table class="table">
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" class={c.numeric ? "num" : undefined}
                aria-sort={sort.key === c.key ? (sort.descending ? "descending" : "ascending") : undefined}>
                <button type="button" aria-label={t("stats.sortBy", { col: c.label })}
                  onClick={() => setSort({ key: c.key, descending: sort.key === c.key ? !sort.descending : !!c.numeric })}>
                  {c.label}{sort.key === c.key ? (sort.descending ? " ▼" : " ▲") : ""}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => (
            <tr key={rowKey(r)}>
              {columns.map((c, i) => i === 0
                ? <th key={c.key} scope="row">{c.render ? c.render(r) : c.value(r)}</th>
                : <td key={c.key} class={c.numeric ? "num" : undefined}>{c.render ? c.render(r) : c.value(r)}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
