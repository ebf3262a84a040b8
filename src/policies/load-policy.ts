/**
 * Resolves `--policy NAME|FILE`: a built-in name, or a `.ts`/`.js`/`.mjs` module whose default
 * export builds a `Policy` from the `--param` pairs. TypeScript modules are loaded through tsx, so
 * users need no build step.
 */
import { existsSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '../data/errors.js';
import { PolicyError } from '../engine/policy-error.js';
import { BUILTIN_POLICIES } from './builtin.js';
import type { Policy, PolicyEnvironment, PolicyFactory, PolicyParamValue } from './policy.js';

const MODULE_EXTENSIONS = new Set(['.ts', '.mts', '.js', '.mjs']);

export interface LoadedPolicy {
  readonly policy: Policy;
  /** The built-in name, or the module's path as given. */
  readonly name: string;
  readonly kind: 'builtin' | 'module';
  /** Absolute path of a module policy. */
  readonly file: string | undefined;
}

export function isPolicyFile(spec: string): boolean {
  return MODULE_EXTENSIONS.has(extname(spec).toLowerCase()) || spec.includes('/') || spec.includes('\\');
}

export function builtinPolicyNames(): string[] {
  return Object.keys(BUILTIN_POLICIES);
}

export async function loadPolicy(
  spec: string,
  params: Readonly<Record<string, PolicyParamValue>>,
  environment: PolicyEnvironment,
): Promise<LoadedPolicy> {
  const builtin = BUILTIN_POLICIES[spec];
  if (builtin !== undefined) {
    return { policy: checkPolicy(await builtin.factory(params, environment), spec), name: spec, kind: 'builtin', file: undefined };
  }
  if (!isPolicyFile(spec)) {
    throw new InputError(
      `unknown policy "${spec}": use one of ${builtinPolicyNames().join(', ')}, or the path of a .ts/.js module whose default export builds a Policy (see examples/sma-cross.ts)`,
    );
  }
  const file = resolve(spec);
  if (!existsSync(file) || !statSync(file).isFile()) throw new InputError(`policy file ${spec} does not exist`);
  if (!MODULE_EXTENSIONS.has(extname(file).toLowerCase())) throw new InputError(`policy file ${spec}: expected a .ts, .mts, .js or .mjs module`);
  const factory = await importFactory(file, spec);
  let policy: unknown;
  try {
    policy = await factory(params, environment);
  } catch (error) {
    if (error instanceof InputError) throw new PolicyError(`policy ${spec}: ${error.message}`);
    throw new PolicyError(`policy ${spec}: building the policy threw: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { policy: checkPolicy(policy, spec), name: spec, kind: 'module', file };
}

async function importFactory(file: string, spec: string): Promise<PolicyFactory> {
  let module: { default?: unknown };
  try {
    const extension = extname(file).toLowerCase();
    if (extension === '.ts' || extension === '.mts') {
      const { tsImport } = await import('tsx/esm/api');
      module = (await tsImport(pathToFileURL(file).href, import.meta.url)) as { default?: unknown };
    } else {
      module = (await import(pathToFileURL(file).href)) as { default?: unknown };
    }
  } catch (error) {
    throw new PolicyError(`policy ${spec} could not be loaded: ${error instanceof Error ? error.message : String(error)}`);
  }
  // tsx may wrap a CommonJS-looking module's exports once more.
  let factory = module.default;
  if (typeof factory === 'object' && factory !== null && 'default' in factory) factory = (factory as { default: unknown }).default;
  if (typeof factory !== 'function') {
    const named = Object.keys(module).filter((key) => key !== 'default');
    // tsx hands a module without `export default` over as an object of its named exports.
    const onlyNamed =
      typeof factory === 'object' && factory !== null && Object.keys(factory).every((key) => named.includes(key)) && !('default' in module && factory === module);
    const found =
      factory === undefined || onlyNamed
        ? `the module has no default export${named.length > 0 ? ` (it exports ${named.join(', ')})` : ''}`
        : typeof factory === 'object' && factory !== null
          ? `it is an object (keys: ${Object.keys(factory).join(', ') || 'none'})`
          : `it is a ${typeof factory}`;
    throw new PolicyError(`policy ${spec}: the default export must be a function (params, environment) => Policy; ${found}`);
  }
  return factory as PolicyFactory;
}

function checkPolicy(policy: unknown, spec: string): Policy {
  if (typeof policy !== 'object' || policy === null || typeof (policy as Policy).onBar !== 'function') {
    throw new PolicyError(`policy ${spec}: the factory must return an object with an onBar(ctx) method, got ${policy === null ? 'null' : typeof policy}`);
  }
  const onEvent = (policy as Policy).onEvent;
  if (onEvent !== undefined && typeof onEvent !== 'function') throw new PolicyError(`policy ${spec}: onEvent must be a function`);
  return policy as Policy;
}
