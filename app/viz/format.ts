/**
 * Numbers for people: durations in human units, counts with thousands separators, measurements to a few
 * significant digits. Every shortened number has its exact form (`exact`) for hover text; exports (CSV,
 * JSON, .npy) never go through this module and keep full precision.
 */

const SUPERSCRIPT: Record<string, string> = {
  '-': '⁻',
  '+': '',
  '0': '⁰',
  '1': '¹',
  '2': '²',
  '3': '³',
  '4': '⁴',
  '5': '⁵',
  '6': '⁶',
  '7': '⁷',
  '8': '⁸',
  '9': '⁹',
};

/**
 * en-US grouping formatters, made once (`toLocaleString` builds a new Intl.NumberFormat on every call, which
 * shows up when a table or an axis formats hundreds of numbers in one render). Same output.
 */
const grouping = new Map<number, Intl.NumberFormat>();
function grouped(v: number, maximumFractionDigits?: number): string {
  const key = maximumFractionDigits ?? -1;
  let f = grouping.get(key);
  if (!f) {
    f = new Intl.NumberFormat('en-US', maximumFractionDigits === undefined ? {} : { maximumFractionDigits });
    grouping.set(key, f);
  }
  return f.format(v);
}

// The first en-US formatter loads the locale's data (tens of milliseconds on a slow machine): do it while the
// page is idle, not in the render that shows the first result.
if (typeof requestIdleCallback === 'function') requestIdleCallback(() => grouped(0));

/** The exact value as JavaScript prints it (round-trips), for hover text and tooltips. */
export function exact(v: number): string {
  return String(v);
}

/** An integer count with thousands separators: 16384 → "16,384". Non-integers fall back to formatNumber. */
export function formatCount(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (!Number.isInteger(v)) return formatNumber(v);
  return grouped(v);
}

/**
 * A measurement to `sig` significant digits, trailing zeros dropped: 0.03172 → "0.0317", 1.342 → "1.34",
 * 81830 → "81,830" (integers are counts: every digit, separated), 3.882e-5 → "3.88 × 10⁻⁵".
 * Very large or very small magnitudes use a power of ten written with superscripts.
 */
export function formatNumber(v: number, sig = 3): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (Number.isInteger(v) && a < 1e15) return grouped(v);
  if (a >= 1e6 || a < 1e-3) {
    const [m, e] = v.toExponential(sig - 1).split('e');
    const mant = String(Number(m));
    const exp = e.replace(/[-+0-9]/g, (c) => SUPERSCRIPT[c] ?? c);
    return `${mant} × 10${exp}`;
  }
  const rounded = Number(v.toPrecision(sig));
  // ≥ 1000 after rounding: group the integer part ("12,300"), keep any decimals the precision asks for.
  if (Math.abs(rounded) >= 1000) return grouped(rounded, Math.max(0, sig - 4));
  return String(rounded);
}

/**
 * An axis tick: up to 3 significant digits, powers of ten outside [10⁻³, 10⁶) written as "10⁻⁶" or
 * "2×10⁻⁵" (never a mix of "0.000001" and "1e-8" on one axis).
 */
export function formatTick(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e6) return String(Number(v.toPrecision(3)));
  const [m, e] = v.toExponential(2).split('e');
  const exp = String(Number(e)).replace(/[-+0-9]/g, (c) => SUPERSCRIPT[c] ?? c);
  const mant = Number(m);
  if (mant === 1) return `10${exp}`;
  if (mant === -1) return `−10${exp}`;
  return `${mant}×10${exp}`;
}

/**
 * A duration given in milliseconds, in the units a person would say: "0.42 ms", "340 ms", "4.2 s",
 * "2 min 5 s", "1 h 3 min".
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return `−${formatDuration(-ms)}`;
  if (ms < 1) return `${Number(ms.toPrecision(2))} ms`;
  if (ms < 10) return `${Number(ms.toFixed(1))} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 10) return `${Number(s.toFixed(2))} s`;
  if (s < 59.5) return `${Number(s.toFixed(1))} s`;
  const totalS = Math.round(s);
  if (totalS < 3600) {
    const min = Math.floor(totalS / 60);
    const sec = totalS % 60;
    return sec ? `${min} min ${sec} s` : `${min} min`;
  }
  const totalMin = Math.round(totalS / 60);
  const h = Math.floor(totalMin / 60);
  const min = totalMin % 60;
  return min ? `${h} h ${min} min` : `${h} h`;
}

/** A value with its unit, choosing human units for durations ("ms", "s") and plain formatting otherwise. */
export function formatWithUnit(v: number, unit?: string, sig = 3): { text: string; unit?: string } {
  if (unit === 'ms' && Number.isFinite(v)) return { text: formatDuration(v) };
  if (unit === 's' && Number.isFinite(v)) return { text: formatDuration(v * 1000) };
  return { text: formatNumber(v, sig), unit };
}
