/** `--param key=value` pairs: parsed once at the edge, then checked by each built-in policy's schema. */
import { z } from 'zod';
import { InputError } from '../data/errors.js';
import type { PolicyParamValue } from './policy.js';

/** `fast=10` → ['fast', 10]; numbers and true/false are converted, anything else stays text. */
export function parseParams(pairs: readonly string[]): Record<string, PolicyParamValue> {
  const params: Record<string, PolicyParamValue> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const key = at < 0 ? '' : pair.slice(0, at).trim();
    if (at < 0 || key === '') throw new InputError(`--param ${JSON.stringify(pair)}: expected key=value, e.g. --param fast=10`);
    const text = pair.slice(at + 1).trim();
    let value: PolicyParamValue = text;
    if (text === 'true' || text === 'false') value = text === 'true';
    else if (text !== '' && Number.isFinite(Number(text))) value = Number(text);
    params[key] = value;
  }
  return params;
}

/** Checks a built-in policy's params against its schema; an unknown key is an error naming the known ones. */
export function checkParams<T extends z.ZodRawShape>(
  policy: string,
  shape: T,
  params: Readonly<Record<string, PolicyParamValue>>,
): z.output<z.ZodObject<T>> {
  const result = z.strictObject(shape).safeParse(params);
  if (result.success) return result.data;
  const known = Object.keys(shape).join(', ');
  const problems = result.error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') return `unknown parameter ${issue.keys.join(', ')} (${policy} takes: ${known})`;
    const key = issue.path.join('.');
    return `${key} = ${JSON.stringify(params[key])}: ${issue.message}`;
  });
  throw new InputError(`policy ${policy}: ${problems.join('; ')}`);
}
