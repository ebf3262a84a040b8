/**
 * Axis arithmetic for the SVG charts: linear scales, "nice" tick steps (1, 2 or 5 × 10^k, as d3
 * chooses them), a domain widened to whole steps, and date ticks for a series of UTC days.
 */

/** Maps [d0, d1] onto [r0, r1]; a domain of zero width maps everything to the range's middle. */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): (value: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  if (d1 === d0) return () => (r0 + r1) / 2;
  const k = (r1 - r0) / (d1 - d0);
  return (value) => r0 + (value - d0) * k;
}

/** The nice step (1, 2 or 5 × 10^k) that cuts [min, max] into about `count` pieces. */
export function tickStep(min: number, max: number, count = 5): number {
  const raw = Math.abs(max - min) / Math.max(1, count);
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = Math.floor(Math.log10(raw));
  const error = raw / 10 ** power;
  const factor = error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.sqrt(2) ? 2 : 1;
  return factor * 10 ** power;
}

/** k × step without the binary noise of floating point (3 × 0.1 is 0.3, not 0.30000000000000004). */
function multiple(k: number, step: number): number {
  if (step >= 1) return k * step;
  const inverse = Math.round(1 / step);
  return Math.abs(1 / inverse - step) < step * 1e-9 ? k / inverse : Number((k * step).toPrecision(12));
}

/**
 * [min, max] widened to whole multiples of a nice step. A single value becomes a small range around
 * it (±1 around 0), so a flat series still gets an axis.
 */
export function niceDomain(min: number, max: number, count = 5): [number, number] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (min > max) [min, max] = [max, min];
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.05;
    min -= pad;
    max += pad;
  }
  let lo = min;
  let hi = max;
  for (let pass = 0; pass < 2; pass++) {
    const step = tickStep(lo, hi, count);
    lo = multiple(Math.floor(min / step + 1e-9), step);
    hi = multiple(Math.ceil(max / step - 1e-9), step);
  }
  return [lo + 0, hi + 0]; // + 0 turns −0 into 0
}

/** The multiples of the nice step inside [min, max], ends included: niceTicks(0, 1) = [0, 0.2, …, 1]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min > max) [min, max] = [max, min];
  if (min === max) return [min];
  const step = tickStep(min, max, count);
  const first = Math.ceil(min / step - 1e-9);
  const last = Math.floor(max / step + 1e-9);
  const ticks: number[] = [];
  for (let k = first; k <= last; k++) ticks.push(multiple(k, step) + 0); // + 0 turns −0 into 0
  return ticks;
}

export interface IndexTick {
  /** Position in the series. */
  readonly index: number;
  readonly label: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const DAY_STEPS = [1, 2, 3, 7, 14] as const;
const MONTH_STEPS = [1, 2, 3, 6, 12, 24, 60, 120] as const;

function parseDay(day: string): { year: number; month: number; date: number } | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(day);
  return match === null ? null : { year: Number(match[1]), month: Number(match[2]), date: Number(match[3]) };
}

/**
 * Ticks for a series of UTC days ("YYYY-MM-DD", one per point, in order): every 1, 2, 3, 7 or 14
 * points when that gives at most `maxTicks`, else the first day of every 1, 2, 3, 6 or 12 months.
 * Labels read "5 Jan" or "Mar", with the year on the first tick and where the year changes.
 */
export function dayTicks(days: readonly string[], maxTicks = 7): IndexTick[] {
  const n = days.length;
  if (n === 0) return [];
  const parsed = days.map(parseDay);
  if (parsed.some((d) => d === null)) {
    // Not dates: evenly spaced positions labelled with the text itself.
    const step = Math.max(1, Math.ceil((n - 1) / Math.max(1, maxTicks - 1)));
    const ticks: IndexTick[] = [];
    for (let i = 0; i < n; i += step) ticks.push({ index: i, label: days[i]! });
    return ticks;
  }
  const dates = parsed as { year: number; month: number; date: number }[];
  let chosen: number[] | undefined;
  let monthly = false;
  const dayStep = DAY_STEPS.find((s) => Math.floor((n - 1) / s) + 1 <= maxTicks);
  if (dayStep !== undefined) {
    chosen = [];
    for (let i = 0; i < n; i += dayStep) chosen.push(i);
  } else {
    monthly = true;
    const monthStarts: number[] = dates[0]!.date === 1 ? [0] : [];
    for (let i = 1; i < n; i++) if (dates[i]!.month !== dates[i - 1]!.month || dates[i]!.year !== dates[i - 1]!.year) monthStarts.push(i);
    const monthNumber = (i: number) => dates[i]!.year * 12 + dates[i]!.month - 1;
    for (const s of MONTH_STEPS) {
      const picked = monthStarts.filter((i) => monthNumber(i) % s === 0);
      if (picked.length <= maxTicks) {
        chosen = picked;
        break;
      }
    }
    chosen ??= [0, n - 1];
  }
  const ticks: IndexTick[] = [];
  let previousYear: number | undefined;
  let previousDay: string | undefined;
  for (const index of chosen) {
    if (days[index] === previousDay) continue; // the start and the first close can be the same day
    const d = dates[index]!;
    const base = monthly ? MONTHS[d.month - 1]! : `${d.date} ${MONTHS[d.month - 1]!}`;
    ticks.push({ index, label: d.year !== previousYear ? `${base} ${d.year}` : base });
    previousYear = d.year;
    previousDay = days[index];
  }
  return ticks;
}
