/**
 * One number scanner for everything a user types or a file holds as text (share-URL values, CSV
 * cells): a single left-to-right pass, so hostile input costs time linear in its length (a regular
 * expression like /^(\d+\.?\d*|\.\d+)…$/ backtracks quadratically on a long run of digits followed by
 * a letter). Values longer than a cap are refused with a message rather than scanned.
 */

/** Longest number text accepted: far beyond any float64 (17 significant digits and an exponent). */
export const MAX_NUMBER_CHARS = 400;

export type NumberScan = { ok: true; value: number } | { ok: false; why: string };

const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * Parses `[+-]?(digits[.digits?] | .digits)([eE][+-]?digits)?`, and with `special` also `inf`,
 * `infinity` and `nan` in any case with an optional sign (as NumPy's savetxt and pandas' to_csv write
 * them). The text must already be trimmed; anything else is refused with a reason.
 */
export function scanNumber(s: string, opts: { special?: boolean; maxChars?: number } = {}): NumberScan {
  const max = opts.maxChars ?? MAX_NUMBER_CHARS;
  if (s.length === 0) return { ok: false, why: 'it is empty' };
  if (s.length > max)
    return { ok: false, why: `it is ${s.length} characters long (a number has at most ${max})` };
  let i = 0;
  const n = s.length;
  const sign = s.charCodeAt(0);
  if (sign === 43 || sign === 45) i++; // + -
  if (opts.special) {
    const word = s.slice(i).toLowerCase();
    if (word === 'inf' || word === 'infinity') return { ok: true, value: sign === 45 ? -Infinity : Infinity };
    if (word === 'nan') return { ok: true, value: Number.NaN };
  }
  let digits = 0;
  while (i < n && isDigit(s.charCodeAt(i))) {
    i++;
    digits++;
  }
  if (i < n && s.charCodeAt(i) === 46) {
    i++;
    while (i < n && isDigit(s.charCodeAt(i))) {
      i++;
      digits++;
    }
  }
  if (digits === 0) return { ok: false, why: 'it is not a number' };
  if (i < n && (s.charCodeAt(i) === 101 || s.charCodeAt(i) === 69)) {
    i++;
    if (i < n && (s.charCodeAt(i) === 43 || s.charCodeAt(i) === 45)) i++;
    let exp = 0;
    while (i < n && isDigit(s.charCodeAt(i))) {
      i++;
      exp++;
    }
    if (exp === 0) return { ok: false, why: 'it is not a number (an exponent needs digits)' };
  }
  if (i !== n) return { ok: false, why: 'it is not a number' };
  return { ok: true, value: Number(s) };
}
