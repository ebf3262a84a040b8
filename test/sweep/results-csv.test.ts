/** results.csv: rows read back exactly as written; a file that does not fit the plan is refused with its line. */
import { describe, expect, it } from 'vitest';
import { emptyNumbers, parseResultsCsv, renderResultRow, renderResultsCsv, resultsHeader, type ResultColumns, type ResultRow } from '../../src/sweep/results-csv.js';
import { dailyFigures, outcomeRow } from '../../src/sweep/run-row.js';
import { sharpeRatio, returnsFromEquity } from '../../src/metrics/performance.js';

const columns: ResultColumns = {
  keys: [
    { key: 'agents.v2.weights', target: 'config' },
    { key: 'agents.exits.stopLoss', target: 'config' },
    { key: 'model', target: 'policy' },
  ],
};

function row(cell: string, seed: number, patch: Partial<ResultRow> = {}): ResultRow {
  const numbers = emptyNumbers();
  Object.assign(numbers, {
    returnPct: -12.244867667871295,
    sharpe: 1 / 3,
    sortino: Number.NaN,
    maxDrawdownPct: 17.184337385494143,
    winRatePct: 43.333333333333336,
    profitFactor: Number.POSITIVE_INFINITY,
    trades: 60,
    psr: 1.2e-17,
    finalEquity: 8775.51323321287,
    dailySharpe: -0.16640916,
    dailySkewness: -2.3287937438753894,
    dailyKurtosis: 11.766233739675249,
    dailyReturns: 125,
  });
  return { cell, values: { 'agents.v2.weights': [0.3, 0.5], 'agents.exits.stopLoss': null, model: 'xgb' }, dataset: '../data/btc, 1h', seed, status: 'ok', error: '', numbers, modelSource: 'synthetic', ...patch };
}

describe('results.csv', () => {
  it('has the cell, each swept key, the run, then the metrics and the daily figures', () => {
    expect(resultsHeader(columns).join(',')).toBe(
      'cell,agents.v2.weights,agents.exits.stopLoss,model,dataset,seed,status,error,returnPct,sharpe,sortino,maxDrawdownPct,winRatePct,profitFactor,trades,psr,finalEquity,dailySharpe,dailySkewness,dailyKurtosis,dailyReturns,modelSource',
    );
    expect(renderResultRow(row('c01', 1), columns)).toBe(
      'c01,"[0.3,0.5]",null,xgb,"../data/btc, 1h",1,ok,,-12.244867667871295,0.3333333333333333,,17.184337385494143,43.333333333333336,Infinity,60,1.2e-17,8775.51323321287,-0.16640916,-2.3287937438753894,11.766233739675249,125,synthetic\n',
    );
  });

  it('reads back every value exactly: numbers, NaN, Infinity, JSON values, quoted text', () => {
    const failed = row('c02', 2, { status: 'failed', error: 'policy threw at bar 500: "boom", badly', numbers: emptyNumbers(), modelSource: '', values: { 'agents.v2.weights': [0.4], 'agents.exits.stopLoss': 0.02, model: 'lgbm' } });
    const rows = [row('c01', 1), failed, row('c03', 1, { modelSource: 'predictions', numbers: { ...row('c03', 1).numbers, returnPct: -100, sharpe: Number.NaN } })];
    const text = renderResultsCsv(rows, columns);
    expect(parseResultsCsv(text, columns)).toEqual(rows);
    expect(renderResultsCsv(parseResultsCsv(text, columns), columns)).toBe(text);
  });

  it('writes an error on one line', () => {
    const text = renderResultRow(row('c01', 1, { status: 'failed', error: 'first\nsecond', numbers: emptyNumbers() }), columns);
    expect(text.split('\n')).toHaveLength(2);
    expect(parseResultsCsv(renderResultsCsv([], columns) + text, columns)[0]!.error).toBe('first | second');
  });

  it('keeps the last row of a run written twice (failed, then run again)', () => {
    const failed = row('c01', 1, { status: 'failed', error: 'x', numbers: emptyNumbers() });
    const text = renderResultsCsv([failed, row('c01', 2), row('c01', 1)], columns);
    expect(parseResultsCsv(text, columns).map((r) => [r.seed, r.status])).toEqual([
      [1, 'ok'],
      [2, 'ok'],
    ]);
  });

  it('refuses a header of another plan and a bad cell, naming the line and column', () => {
    const text = renderResultsCsv([row('c01', 1)], columns);
    expect(() => parseResultsCsv(text, { keys: [{ key: 'model', target: 'policy' }] }, 'runs/x/results.csv')).toThrow('runs/x/results.csv:1: the header does not match');
    expect(() => parseResultsCsv(text.replace(',ok,', ',done,'), columns)).toThrow("results.csv:2: column 'status' value \"done\": expected ok or failed");
    expect(() => parseResultsCsv(text.replace(',60,', ',sixty,'), columns)).toThrow("results.csv:2: column 'trades' value \"sixty\" is not a number");
    expect(() => parseResultsCsv(text.replace(',1,ok', ',1.5,ok'), columns)).toThrow("column 'seed' value \"1.5\" is not a whole number");
    expect(() => parseResultsCsv(`${text}c09,1\n`, columns)).toThrow('results.csv:3: expected 22 columns, found 2');
    expect(() => parseResultsCsv(text.replace(/synthetic\n$/, 'made-up\n'), columns)).toThrow("results.csv:2: column 'modelSource' value \"made-up\"");
  });
});

describe('a run as a row', () => {
  it('computes the per-day Sharpe, moments and T from the daily equity', () => {
    const equity = [10_000, 10_100, 10_050, 10_200, 10_150, 10_400];
    const figures = dailyFigures(equity, 0);
    const returns = Array.from(returnsFromEquity(equity));
    expect(figures.dailyReturns).toBe(5);
    expect(figures.dailySharpe).toBeCloseTo(sharpeRatio(returns, { periodsPerYear: 365 }) / Math.sqrt(365), 14);
    // the same figures from Python (statistics.stdev, population moments)
    expect(figures.dailySharpe).toBeCloseTo(0.6169242, 6);
    expect(figures.dailySkewness).toBeCloseTo(0.0967302, 6);
    expect(figures.dailyKurtosis).toBeCloseTo(1.5348339, 6);
  });

  it('takes the metrics of an ok run and leaves a failed one empty', () => {
    const run = { cell: 'c01', values: { model: 'xgb' }, dataset: 'a', seed: 3 };
    const ok = outcomeRow(
      {
        id: 'x',
        status: 'ok',
        metrics: {
          returnPct: 4,
          sharpe: 1.5,
          sortino: 2,
          maxDrawdownPct: 3,
          winRatePct: 50,
          profitFactor: 1.2,
          trades: 7,
          psr: 0.8,
          finalEquity: 10_400,
          riskFreeRate: 0,
          periodsPerYear: 365,
          modelSource: 'synthetic',
        } as never,
        training: null,
        dailyEquity: [10_000, 10_100, 10_050, 10_200, 10_150, 10_400],
        qtables: {},
        replayMs: 1,
      },
      run,
    );
    expect(ok.status).toBe('ok');
    expect(ok.numbers.returnPct).toBe(4);
    expect(ok.numbers.dailyReturns).toBe(5);
    expect(ok.modelSource).toBe('synthetic');
    const failed = outcomeRow({ id: 'x', status: 'failed', error: 'boom' }, run);
    expect(failed).toMatchObject({ status: 'failed', error: 'boom', seed: 3, modelSource: '' });
    expect(Number.isNaN(failed.numbers.sharpe)).toBe(true);
  });
});
