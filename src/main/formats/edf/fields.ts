/** Fixed-width ASCII header fields of EDF/EDF+/BDF and the numbers in them. Pure. */

/** A text as printable 7-bit ASCII: accents dropped (é -> e), anything else left replaced by `_`. */
export function toAscii(text: string): string {
  return text
    .replace(/[\u00b5\u03bc]/g, 'u')
    .replace(/\u00b0/g, 'deg')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '_');
}

/** `text` as an ASCII field of exactly `width` characters, space-padded (cut where too long). */
export function field(text: string, width: number): string {
  return toAscii(text).slice(0, width).padEnd(width, ' ');
}

/** An EDF+ subfield: no spaces inside (they separate subfields), `X` when unknown. */
export function subfield(text: string): string {
  const s = toAscii(text.trim()).replace(/ +/g, '_');
  return s === '' ? 'X' : s;
}

type Rounding = 'nearest' | 'down' | 'up';

/**
 * The most precise decimal writing of `x` in at most `width` characters, rounded as asked
 * ('down' for a physical minimum and 'up' for a maximum, so the range never shrinks); null when
 * even the integer part does not fit. Plain decimals only: strict readers reject exponents.
 */
export function fitNumber(x: number, width = 8, rounding: Rounding = 'nearest'): string | null {
  if (!Number.isFinite(x)) return null;
  for (let decimals = width - 1; decimals >= 0; decimals--) {
    const scale = 10 ** decimals;
    const scaled = x * scale;
    const r = rounding === 'down' ? Math.floor(scaled + 1e-9) : rounding === 'up' ? Math.ceil(scaled - 1e-9) : Math.round(scaled);
    let s = (r / scale).toFixed(decimals);
    if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
    if (s === '-0') s = '0';
    if (s.length <= width) return s;
  }
  return null;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** `dd-MMM-yyyy` (EDF+ recording field) of a UTC date. */
export function edfPlusDate(date: Date): string {
  return `${String(date.getUTCDate()).padStart(2, '0')}-${MONTHS[date.getUTCMonth()]}-${date.getUTCFullYear()}`;
}

/** The month number (1-12) of an EDF+ month name, or 0. */
export function monthNumber(name: string): number {
  return MONTHS.indexOf(name.toUpperCase()) + 1;
}
