/** What a run recorded about its training: metrics.json's agents, and its trades' pnlPct. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRunEvidence, readTradePnlPct } from '../../src/ops/run-evidence.js';

const root = mkdtempSync(join(tmpdir(), 'replaylab-evidence-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const header = 'trade_id,side,pnl,entry_equity,exit_reason';
const agent = (name: string, learning: unknown) => ({
  agent: name,
  updatesThisRun: 2,
  episode: { steps: 2, meanReward: -0.25, totalReward: -0.5, discountedReturn: -0.5 },
  meanRewardTerms: { pnlPct: 0.5, reward: -0.25 },
  learning,
});

describe('readTradePnlPct', () => {
  it('gives 100 · pnl / equity at entry of each rewarded trade, leaving out trades closed by the end of the data', () => {
    const file = join(root, 'trades.csv');
    writeFileSync(file, `${header}\n1,long,50,10000,take_profit\n2,short,-20,10050,stop_loss\n3,long,5,10030,end_of_data\n`);
    const values = readTradePnlPct(file);
    expect(values).toHaveLength(2);
    expect(values[0]).toBeCloseTo(0.5, 12);
    expect(values[1]).toBeCloseTo((-20 / 10050) * 100, 12);
  });

  it('names the file, line and column of a value that is not a number, and a missing column', () => {
    const file = join(root, 'bad-trades.csv');
    writeFileSync(file, `${header}\n1,long,abc,10000,signal\n`);
    expect(() => readTradePnlPct(file)).toThrow(/bad-trades\.csv:2:3 column 'pnl' value "abc": not a number/);
    writeFileSync(file, 'trade_id,side\n1,long\n');
    expect(() => readTradePnlPct(file)).toThrow(/bad-trades\.csv:1: no column 'pnl'/);
  });
});

describe('readRunEvidence', () => {
  it("takes the training part of a split run, with training/trades.csv", () => {
    const run = join(root, 'split-run');
    mkdirSync(join(run, 'training'), { recursive: true });
    const learning = { first: { updates: 1, meanAbsChange: 0.02, newStates: 1 }, last: { updates: 1, meanAbsChange: 0.01, newStates: 0 } };
    writeFileSync(join(run, 'metrics.json'), JSON.stringify({ rl: { mode: 'eval', agents: [agent('rl-v2-meta', null)] }, training: { rl: { mode: 'train', agents: [agent('rl-v2-meta', learning)] } } }));
    writeFileSync(join(run, 'training', 'trades.csv'), `${header}\n1,long,100,10000,signal\n`);
    writeFileSync(join(run, 'trades.csv'), `${header}\n1,long,-100,10000,signal\n`);
    const lookup = readRunEvidence(run);
    expect(lookup.status).toBe('found');
    if (lookup.status !== 'found') return;
    expect(lookup.evidence.part).toBe('training part');
    expect(lookup.evidence.agents[0]).toMatchObject({ agent: 'rl-v2-meta', meanReward: -0.25, rewards: 2, learning });
    expect(lookup.evidence.trades!.pnlPct).toEqual([1]);
  });

  it('says why there is no evidence: no run, no metrics.json, a run that did not train', () => {
    expect(readRunEvidence(null)).toEqual({ status: 'none', reason: 'no run folder around the tables (no metrics.json, trades.csv)' });
    const run = join(root, 'eval-run');
    mkdirSync(run);
    expect(readRunEvidence(run)).toMatchObject({ status: 'none', reason: expect.stringContaining('no metrics.json') });
    writeFileSync(join(run, 'metrics.json'), JSON.stringify({ rl: { mode: 'eval', agents: [] } }));
    expect(readRunEvidence(run)).toMatchObject({ status: 'none', reason: expect.stringContaining('did not train') });
    writeFileSync(join(run, 'metrics.json'), '{"rl": ');
    expect(() => readRunEvidence(run)).toThrow(/metrics\.json: not valid JSON/);
  });
});
