/** `replaylab stats`: the run metrics for a user's own equity or returns CSV. */
import type { Argv } from 'yargs';
import { InputError, dailyCloses, displayPath, readSeriesCsv } from '../data/index.js';
import { drawdowns, returnsFromEquity, summarizeReturns, type ReturnsSummary } from '../metrics/index.js';
import { formatPairs } from './output.js';

interface StatsArgs {
  equity: string | undefined;
  returns: string | undefined;
  periodsPerYear: number | undefined;
  percent: boolean;
  riskFree: number;
  json: boolean;
}

const fixed = (value: number, digits = 4): string => (Number.isFinite(value) ? value.toFixed(digits) : String(value));

function printSummary(summary: ReturnsSummary, source: Record<string, string | number>): string {
  return formatPairs([
    ...Object.entries(source),
    ['periods per year (A)', summary.periodsPerYear],
    ['risk-free per period', summary.riskFreePerPeriod],
    ['periods', summary.periods],
    ['total return %', fixed(summary.totalReturnPct, 2)],
    ['CAGR %', fixed(summary.cagrPct, 2)],
    ['annual volatility %', fixed(summary.annualVolatilityPct, 2)],
    ['Sharpe', fixed(summary.sharpe)],
    ['Sortino', fixed(summary.sortino)],
    ['Calmar', fixed(summary.calmar)],
    ['max drawdown %', fixed(summary.maxDrawdownPct, 2)],
    ['avg drawdown %', fixed(summary.averageDrawdownPct, 2)],
    ['max drawdown periods', summary.maxDrawdownPeriods],
    ['best / worst period %', `${fixed(summary.bestPeriodPct, 2)} / ${fixed(summary.worstPeriodPct, 2)}`],
    ['winning periods %', fixed(summary.winningPeriodsPct, 1)],
    ['skewness / kurtosis', `${fixed(summary.skewness, 3)} / ${fixed(summary.kurtosis, 3)} (non-excess)`],
    ['PSR (Sharpe > 0)', fixed(summary.psr)],
    ['min track record', `${fixed(summary.minTrackRecordPeriods, 1)} periods`],
  ]);
}

export function statsCommand(yargs: Argv) {
  return yargs.command(
    'stats',
    "Metrics (Sharpe, Sortino, drawdown, PSR, …) of your own equity or returns CSV, measured as replays are",
    (y) =>
      y
        .option('equity', { type: 'string', describe: 'CSV of an equity curve (an equity|value|balance|nav column, optional time column)' })
        .option('returns', { type: 'string', describe: 'CSV of per-period returns (a return|returns column, or one value column)' })
        .conflicts('equity', 'returns')
        .option('periods-per-year', {
          type: 'number',
          describe: 'annualisation factor A (default 365: daily crypto returns; an equity curve with times is resampled to daily)',
        })
        .option('percent', { type: 'boolean', default: false, describe: 'returns are in percent (1 = 1%), not fractions' })
        .option('risk-free', { type: 'number', default: 0, describe: 'risk-free rate per period, as a fraction' })
        .option('json', { type: 'boolean', default: false, describe: 'print one JSON object' })
        .epilogue('Examples:\n  replaylab stats --equity live-equity.csv\n  replaylab stats --returns daily.csv --percent --periods-per-year 252 --json'),
    (args) => {
      const a = args as unknown as StatsArgs;
      if (a.equity === undefined && a.returns === undefined) throw new InputError('give --equity FILE or --returns FILE');
      if (a.periodsPerYear !== undefined && !(a.periodsPerYear > 0)) throw new InputError(`--periods-per-year must be above 0, got ${a.periodsPerYear}`);
      let returns: Float64Array;
      let frequency: string;
      let series;
      /** With a timed equity curve, drawdowns come from every row, as a replay's do. */
      let fullCurve: Float64Array | undefined;
      if (a.returns !== undefined) {
        series = readSeriesCsv(a.returns, 'returns', { percent: a.percent });
        returns = series.values;
        frequency = 'per row of the file';
      } else {
        series = readSeriesCsv(a.equity!, 'equity');
        if (series.times !== undefined && a.periodsPerYear === undefined) {
          // The first row is the base (a replay's equity.csv starts with the starting cash), then
          // the last equity of each UTC day: the same daily returns a replay's metrics.json uses.
          const closes = dailyCloses(series.times, series.values);
          const firstIsClose = series.values.length === 1 || Math.floor(series.times[0]! / 86_400_000) !== Math.floor(series.times[1]! / 86_400_000);
          const values = firstIsClose ? closes : Float64Array.of(series.values[0]!, ...closes);
          returns = returnsFromEquity(values);
          fullCurve = series.values;
          frequency = 'daily (last equity of each UTC day)';
        } else {
          returns = returnsFromEquity(series.values);
          frequency = 'per row of the file';
        }
      }
      if (returns.length < 2) throw new InputError(`${series.file}: ${returns.length} return(s): need at least 2 to measure anything`);
      let summary = summarizeReturns(returns, { periodsPerYear: a.periodsPerYear ?? 365, riskFreePerPeriod: a.riskFree });
      if (fullCurve !== undefined) {
        const dd = drawdowns(fullCurve);
        summary = {
          ...summary,
          maxDrawdownPct: -dd.maxDrawdown * 100,
          averageDrawdownPct: -dd.averageDrawdown * 100,
          calmar: dd.maxDrawdown < 0 ? summary.cagrPct / 100 / -dd.maxDrawdown : Number.NaN,
        };
      }
      if (a.json) {
        const json = { file: displayPath(series.file), column: series.column, returnFrequency: frequency, ...summary };
        // NaN (an undefined ratio) prints as null.
        process.stdout.write(`${JSON.stringify(json, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
      } else {
        const source = { file: displayPath(series.file), column: series.column, 'return frequency': frequency };
        process.stdout.write(`${printSummary(summary, source)}\n`);
      }
    },
  );
}
