/** A plain-text table, columns right-aligned; non-integer numbers with two decimals. */
export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? (Number.isInteger(c) ? String(c) : c.toFixed(2)) : c)))];
  const widths = header.map((_, k) => Math.max(...cells.map((r) => String(r[k]).length)));
  return cells.map((r) => r.map((c, k) => String(c).padStart(widths[k])).join('  ')).join('\n');
}
