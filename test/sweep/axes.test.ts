/** The --param flags of a sweep: what a key sets (a config field or a policy parameter), and how values read. */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/data/errors.js';
import { parseAxes, parseAxis, parseValue, resolveAxisKey, splitValues } from '../../src/sweep/axes.js';

describe('resolveAxisKey', () => {
  it('takes a path of the default config as a config field, anything else as a policy parameter', () => {
    expect(resolveAxisKey('agents.v2.meta.alpha', 'agents.v2.meta.alpha=0.1')).toBe('config');
    expect(resolveAxisKey('engine.feeRate', 'engine.feeRate=0.001')).toBe('config');
    expect(resolveAxisKey('agents.v2.weights', 'agents.v2.weights=[0.5]')).toBe('config');
    // below a free-keyed record the schema decides
    expect(resolveAxisKey('models.informationCoefficients.xgb', 'x=1')).toBe('config');
    expect(resolveAxisKey('probability', 'probability=0.1')).toBe('policy');
    expect(resolveAxisKey('fast', 'fast=10')).toBe('policy');
  });

  it('rejects a config-looking path that is not a field, naming the flag and the fields there', () => {
    expect(() => resolveAxisKey('agents.v2.meta.alfa', 'agents.v2.meta.alfa=0.1')).toThrow(
      "--param agents.v2.meta.alfa=0.1: unknown config field 'agents.v2.meta.alfa'; agents.v2.meta has: alpha, gamma, epsilon, epsilonDecay, epsilonMin",
    );
    expect(() => resolveAxisKey('engine.feeRate.x', 'engine.feeRate.x=1')).toThrow('config field engine.feeRate is a value, not a section');
    expect(() => resolveAxisKey('foo.bar', 'foo.bar=1')).toThrow("'foo.bar' is not a config field");
  });

  it('refuses the names of results.csv columns as policy parameters', () => {
    expect(() => resolveAxisKey('seed', 'seed=1,2')).toThrow('give --seeds N');
    expect(() => resolveAxisKey('dataset', 'dataset=a')).toThrow(InputError);
  });
});

describe('values', () => {
  it('reads numbers and booleans; null and JSON only for config fields', () => {
    expect(parseValue('0.05', 'policy')).toBe(0.05);
    expect(parseValue('1e-3', 'config')).toBe(0.001);
    expect(parseValue('true', 'policy')).toBe(true);
    expect(parseValue('breakout', 'policy')).toBe('breakout');
    expect(parseValue('null', 'config')).toBeNull();
    expect(parseValue('null', 'policy')).toBe('null');
    expect(parseValue('[0.3,0.5]', 'config')).toEqual([0.3, 0.5]);
    expect(parseValue('[0.3,0.5]', 'policy')).toBe('[0.3,0.5]');
  });

  it('splits at the commas outside brackets and quotes', () => {
    expect(splitValues('1, 2 ,3')).toEqual(['1', '2', '3']);
    expect(splitValues('[0.3,0.5],[0.4,0.6]')).toEqual(['[0.3,0.5]', '[0.4,0.6]']);
    expect(splitValues('{"xgb":0.1,"lgbm":0.2},{"xgb":0}')).toEqual(['{"xgb":0.1,"lgbm":0.2}', '{"xgb":0}']);
  });
});

describe('parseAxis', () => {
  it('parses a list', () => {
    expect(parseAxis('agents.v2.meta.alpha=0.01,0.05', false)).toEqual({ key: 'agents.v2.meta.alpha', target: 'config', kind: 'list', values: [0.01, 0.05] });
    expect(parseAxis('agents.v2.weights=[0.3,0.5],[0.4]', false)).toMatchObject({ values: [[0.3, 0.5], [0.4]] });
  });

  it('parses a range under --random only, whole numbers when both ends are', () => {
    expect(parseAxis('fast=5..20', true)).toEqual({ key: 'fast', target: 'policy', kind: 'range', range: { low: 5, high: 20, integer: true } });
    expect(parseAxis('engine.feeRate=0.0001..0.001', true)).toMatchObject({ range: { low: 0.0001, high: 0.001, integer: false } });
    expect(() => parseAxis('fast=5..20', false)).toThrow('--param fast=5..20: a range lo..hi is drawn from under --random K');
    expect(() => parseAxis('fast=20..5', true)).toThrow("the range's low end must be below its high end");
  });

  it('rejects malformed flags, empty and repeated values', () => {
    expect(() => parseAxis('probability', false)).toThrow('--param probability: expected key=v1,v2');
    expect(() => parseAxis('probability=', false)).toThrow('expected key=v1,v2');
    expect(() => parseAxis('probability=0.1,,0.2', false)).toThrow('an empty value');
    expect(() => parseAxis('probability=0.1,0.10', false)).toThrow('the value 0.1 is given twice');
    expect(() => parseAxis('agents.v2.weights=[0.3,', false)).toThrow('is not valid JSON');
  });

  it('rejects no flags and a key swept twice', () => {
    expect(() => parseAxes([], false)).toThrow('give at least one --param');
    expect(() => parseAxes(['fast=1,2', 'fast=3'], false)).toThrow("--param fast=3: 'fast' is swept by two --param flags");
  });
});
