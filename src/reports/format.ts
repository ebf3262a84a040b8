/**
 * Numbers as reports print them. A report read back from JSON holds `null` where a number was not
 * finite, so every formatter takes `number | null | undefined`: no value prints "–", +∞ "∞" and
 * −∞ "−∞" (a profit factor without a losing trade is ∞ before JSON and "–" after it). Negative
 * numbers use the minus sign (U+2212) and never print as "−0.00".
 */

/** A value from a report: a number, or null where JSON could not hold it. */
export type Numeric = number | null | undefined;

export const NO_VALUE = '–';
export const MINUS = '−';

/** Fixed decimals with thousands separators: 1234.5 → "1,234.50"; null → "–"; Infinity → "∞". */
export function formatNumber(value: Numeric, digits = 2): string {
  if (value === null || value === undefined || Number.isNaN(value)) return NO_VALUE;
  if (value === Number.POSITIVE_INFINITY) return '∞';
  if (value === Number.NEGATIVE_INFINITY) return `${MINUS}∞`;
  const fixed = Math.abs(value).toFixed(digits);
  const [whole, fraction] = fixed.split('.') as [string, string | undefined];
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const body = fraction === undefined ? grouped : `${grouped}.${fraction}`;
  const isZero = /^[0.]*$/.test(fixed);
  return value < 0 && !isZero ? `${MINUS}${body}` : body;
}

/** As `formatNumber`, with "+" before positive values: for differences. */
export function formatSigned(value: Numeric, digits = 2): string {
  const text = formatNumber(value, digits);
  return value !== null && value !== undefined && value > 0 && text !== formatNumber(0, digits) ? `+${text}` : text;
}

/** A number and its unit ("12.50%", "1.20"); the unit is left off when there is no value. */
export function formatWithUnit(value: Numeric, unit: string, digits = 2, signed = false): string {
  const text = signed ? formatSigned(value, digits) : formatNumber(value, digits);
  return text === NO_VALUE || unit === '' ? text : `${text}${unit}`;
}

/** A whole number with thousands separators: 12960 → "12,960". */
export function formatCount(value: Numeric): string {
  return formatNumber(value, 0);
}

/** A probability in [0, 1] to two decimals: 0.734 → "0.73". */
export function formatProbability(value: Numeric): string {
  return formatNumber(value, 2);
}

/** A rate as a percentage without trailing zeros: 0.0004 → "0.04%", 0.1 → "10%". */
export function formatRatePct(rate: Numeric): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return formatNumber(rate);
  const text = (rate * 100).toFixed(6).replace(/\.?0+$/, '');
  return `${text.startsWith('-') ? MINUS + text.slice(1) : text}%`;
}

/** An interval's bounds: "[0.55, 0.88]"; "[–]" when neither bound is known. */
export function formatBounds(low: Numeric, high: Numeric, digits = 2, signed = false): string {
  const f = signed ? formatSigned : formatNumber;
  const lo = f(low, digits);
  const hi = f(high, digits);
  return lo === NO_VALUE && hi === NO_VALUE ? `[${NO_VALUE}]` : `[${lo}, ${hi}]`;
}

/** Milliseconds as "850 ms", "12.3 s", "4 min 05 s" or "2 h 03 min". */
export function formatDuration(ms: Numeric): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return formatNumber(ms);
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1_000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const totalSeconds = Math.round(seconds);
  if (totalSeconds < 3_600) return `${Math.floor(totalSeconds / 60)} min ${String(totalSeconds % 60).padStart(2, '0')} s`;
  const minutes = Math.round(totalSeconds / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/**
 * An ISO 8601 UTC time for people: "2024-01-05" at midnight, else "2024-01-05 13:45" (seconds
 * when not zero). Text that is not such a time is returned unchanged.
 */
export function formatUtcTime(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::(\d{2})(?:\.\d+)?)?Z$/.exec(iso);
  if (match === null) return iso;
  const [, date, hoursMinutes, seconds] = match;
  if (hoursMinutes === '00:00' && (seconds === undefined || seconds === '00')) return date!;
  return seconds === undefined || seconds === '00' ? `${date} ${hoursMinutes}` : `${date} ${hoursMinutes}:${seconds}`;
}
