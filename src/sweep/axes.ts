/**
 * The axes of a sweep: each `--param key=v1,v2,…` (or `key=lo..hi` under --random) parsed into a key,
 * what it sets (a config field or a policy parameter) and its values.
 *
 * A key is a config path when its first segment is a section of the default config (`engine`,
 * `agents`, …): the rest of the path must then exist there (`agents.v2.meta.alpha`), except below a
 * free-keyed record such as `models.informationCoefficients`. Any other key is a policy parameter
 * (`probability` of `random`, `fast` of a module), which the policy itself checks.
 */
import { configDescriptions } from '../config/describe-config.js';
import { defaultConfig } from '../config/run-config.js';
import { InputError } from '../data/errors.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type AxisTarget = 'config' | 'policy';

/** A numeric range drawn uniformly under --random (whole numbers when both ends are whole). */
export interface AxisRange {
  readonly low: number;
  readonly high: number;
  readonly integer: boolean;
}

export type SweepAxis =
  | { readonly key: string; readonly target: AxisTarget; readonly kind: 'list'; readonly values: readonly JsonValue[] }
  | { readonly key: string; readonly target: AxisTarget; readonly kind: 'range'; readonly range: AxisRange };

/** results.csv's own columns: a policy parameter may not take one of these names. */
export const RESERVED_COLUMNS = ['cell', 'dataset', 'seed', 'status', 'error'] as const;

/** The flag as the user wrote it, for messages. */
export const flagText = (raw: string): string => `--param ${raw}`;

/** Splits `a,[1,2],b` at the commas outside brackets, braces and double quotes. */
export function splitValues(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((part) => part.trim());
}

/**
 * One value as typed: `true`/`false` are booleans, numbers are numbers; for a config field also
 * `null` and JSON arrays or objects (`[0.3,0.5]`); anything else stays text.
 */
export function parseValue(text: string, target: AxisTarget): JsonValue {
  if (text === 'true' || text === 'false') return text === 'true';
  if (text !== '' && Number.isFinite(Number(text))) return Number(text);
  if (target === 'config') {
    if (text === 'null') return null;
    if (text.startsWith('[') || text.startsWith('{')) return JSON.parse(text) as JsonValue;
  }
  return text;
}

/** The value as a cell of a table or CSV: text as is, anything else as JSON. */
export function valueText(value: JsonValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const NUMBER = '[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?';
const RANGE = new RegExp(`^(${NUMBER})\\.\\.(${NUMBER})$`);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Decides what a key sets; throws for a config-looking path that is not a field. */
export function resolveAxisKey(key: string, raw: string): AxisTarget {
  const defaults = defaultConfig() as unknown as Record<string, unknown>;
  const segments = key.split('.');
  if (!(segments[0]! in defaults)) {
    if (key.includes('.')) {
      throw new InputError(
        `${flagText(raw)}: '${key}' is not a config field (config sections: ${Object.keys(defaults).join(', ')}) and a policy parameter has no dots; see \`replaylab config defaults\``,
      );
    }
    if ((RESERVED_COLUMNS as readonly string[]).includes(key)) {
      throw new InputError(`${flagText(raw)}: '${key}' is a column of results.csv and cannot be a swept parameter${key === 'seed' ? ' (give --seeds N for seeds 1..N)' : ''}`);
    }
    return 'policy';
  }
  const described = configDescriptions();
  let node: unknown = defaults;
  for (let depth = 0; depth < segments.length; depth++) {
    const path = segments.slice(0, depth).join('.');
    const segment = segments[depth]!;
    if (!isPlainObject(node)) {
      throw new InputError(`${flagText(raw)}: config field ${path} is a value, not a section: it has no field '${segment}'`);
    }
    const fieldPath = path === '' ? segment : `${path}.${segment}`;
    const record = depth > 0 && !Object.keys(node).some((child) => described.has(`${path}.${child}`));
    if (record) return 'config'; // free keys (a value per model): the schema checks them
    if (!(segment in node)) {
      throw new InputError(
        `${flagText(raw)}: unknown config field '${fieldPath}'; ${path === '' ? 'the config' : path} has: ${Object.keys(node).join(', ')} (see \`replaylab config defaults\`)`,
      );
    }
    node = node[segment];
  }
  return 'config';
}

/** Parses one `--param` flag; `random` says whether --random is given (ranges need it). */
export function parseAxis(raw: string, random: boolean): SweepAxis {
  const at = raw.indexOf('=');
  const key = at < 0 ? '' : raw.slice(0, at).trim();
  const text = at < 0 ? '' : raw.slice(at + 1).trim();
  if (at < 0 || key === '' || text === '') {
    throw new InputError(`${flagText(raw)}: expected key=v1,v2,… (e.g. --param probability=0.01,0.05 or --param agents.v2.meta.alpha=0.01,0.05)`);
  }
  const target = resolveAxisKey(key, raw);
  const range = RANGE.exec(text);
  if (range !== null) {
    if (!random) throw new InputError(`${flagText(raw)}: a range lo..hi is drawn from under --random K; give a list of values for a grid`);
    const low = Number(range[1]);
    const high = Number(range[2]);
    if (!(low < high)) throw new InputError(`${flagText(raw)}: the range's low end must be below its high end`);
    return { key, target, kind: 'range', range: { low, high, integer: Number.isInteger(low) && Number.isInteger(high) } };
  }
  const values: JsonValue[] = [];
  for (const item of splitValues(text)) {
    if (item === '') throw new InputError(`${flagText(raw)}: an empty value (two commas in a row, or a comma at an end)`);
    try {
      values.push(parseValue(item, target));
    } catch (error) {
      throw new InputError(`${flagText(raw)}: value ${item} is not valid JSON: ${(error as Error).message}`);
    }
  }
  const seen = new Set<string>();
  for (const value of values) {
    const id = JSON.stringify(value);
    if (seen.has(id)) throw new InputError(`${flagText(raw)}: the value ${valueText(value)} is given twice`);
    seen.add(id);
  }
  return { key, target, kind: 'list', values };
}

/** Parses every `--param` flag; a key given twice is an error. */
export function parseAxes(flags: readonly string[], random: boolean): SweepAxis[] {
  if (flags.length === 0) throw new InputError('give at least one --param key=v1,v2,… to sweep');
  const axes = flags.map((raw) => parseAxis(raw, random));
  const keys = new Set<string>();
  axes.forEach((axis, n) => {
    if (keys.has(axis.key)) throw new InputError(`${flagText(flags[n]!)}: '${axis.key}' is swept by two --param flags; give its values in one`);
    keys.add(axis.key);
  });
  return axes;
}
