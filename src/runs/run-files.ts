/** The files of a run (DESIGN §7): `trades.csv`, `equity.csv`, `metrics.json`, `events.jsonl` lines. */
import { formatIsoTime } from '../data/time.js';
import type { ClosedTrade, EngineEvent } from '../engine/events.js';

const TRADE_HEADER = [
  'trade_id',
  'side',
  'entry_time',
  'exit_time',
  'entry_price',
  'exit_price',
  'qty',
  'leverage',
  'margin',
  'entry_fee',
  'exit_fee',
  'fees',
  'gross_pnl',
  'pnl',
  'pnl_pct',
  'exit_reason',
  'bars',
  'mae_pct',
  'mae_equity_pct',
  'entry_equity',
  'strategy',
  'model',
  'weight',
  'size_multiplier',
  'decision_leverage',
  'score',
  'tag',
  'model_source',
];

function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One row per trade; `pnl` is net of both fees, `pnl_pct` is pnl over the margin committed. */
export function renderTradesCsv(trades: readonly ClosedTrade[], modelSource: string | undefined): string {
  const lines = [TRADE_HEADER.join(',')];
  for (const t of trades) {
    const d = t.decision;
    const usedModel = d?.model !== undefined && d.model !== 'none';
    lines.push(
      [
        t.id,
        t.side,
        formatIsoTime(t.entryTime),
        formatIsoTime(t.exitTime),
        t.entryPrice,
        t.exitPrice,
        t.qty,
        t.leverage,
        t.margin,
        t.entryFee,
        t.exitFee,
        t.entryFee + t.exitFee,
        t.grossPnl,
        t.netPnl,
        t.returnPct,
        t.exitReason,
        t.bars,
        t.maePct,
        t.maeEquityPct,
        t.entryEquity,
        d?.strategy,
        d?.model,
        d?.weight,
        d?.sizeMultiplier,
        d?.leverage,
        d?.score,
        d?.tag,
        usedModel ? modelSource : undefined,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

export interface EquityRows {
  /** Open times of the bars. */
  readonly time: Float64Array;
  readonly equity: Float64Array;
  /** Cash at each close; the position's value is equity − cash. */
  readonly cash: Float64Array;
  /** Signed position size held at each close (positionQuantities()). */
  readonly positionQty: Float64Array;
  readonly startingCash: number;
}

/**
 * The account before the first bar (at its open: the starting cash), then one row per bar at its
 * close (its last millisecond, as Binance's close_time): equity = cash + position_value. So
 * `replaylab stats --equity equity.csv` measures the same daily returns as metrics.json.
 */
export function renderEquityCsv(rows: EquityRows, intervalMs: number): string {
  const out: string[] = ['time,equity,cash,position_value,position_qty,drawdown_pct'];
  const start = rows.startingCash;
  if (rows.time.length > 0) out.push(`${formatIsoTime(rows.time[0]!)},${start},${start},0,0,0`);
  let peak = start;
  for (let k = 0; k < rows.equity.length; k++) {
    const e = rows.equity[k]!;
    if (e > peak) peak = e;
    out.push(`${formatIsoTime(rows.time[k]! + intervalMs - 1)},${e},${rows.cash[k]},${e - rows.cash[k]!},${rows.positionQty[k]},${(1 - e / peak) * 100}`);
  }
  return `${out.join('\n')}\n`;
}

/** JSON with non-finite numbers as null (JSON has no NaN or Infinity). */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
}

/** One event per line, times as ISO text next to the epoch ms. */
export function eventLine(event: EngineEvent): string {
  return JSON.stringify({ ...event, time: formatIsoTime(event.ts) }, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
}
