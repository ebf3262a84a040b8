/**
 * `runs/ab-history.jsonl`: one line per finished A/B (appended, never rewritten), so the team can
 * see how verdicts of the same arms went over time (`replaylab ab --history`), and the guide's
 * revert rule ("worse in 3+ A/B tests") can be checked.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../data/errors.js';
import type { AbReport } from './report-model.js';

const IntervalSchema = z.object({ point: z.number().nullable(), low: z.number().nullable(), high: z.number().nullable() });

export const HistoryEntrySchema = z.object({
  at: z.string(),
  folder: z.string(),
  a: z.string(),
  b: z.string(),
  datasets: z.array(z.object({ name: z.string(), fingerprint: z.string() })),
  seeds: z.number().int(),
  split: z.string(),
  metric: z.string(),
  probabilityBBetter: IntervalSchema,
  verdict: z.string(),
  runs: z.object({ planned: z.number().int(), ok: z.number().int(), failed: z.number().int() }),
});
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;

export const historyFile = (runsDir: string) => join(runsDir, 'ab-history.jsonl');

const nullIfNaN = (v: number) => (Number.isFinite(v) ? v : null);

export function historyEntry(report: AbReport, folder: string): HistoryEntry {
  const p = report.primary.probabilityBBetter;
  const { design } = report;
  return {
    at: report.generated.at,
    folder,
    a: report.arms.a.label,
    b: report.arms.b.label,
    datasets: report.datasets.map((d) => ({ name: d.name, fingerprint: d.fingerprint })),
    seeds: design.seeds.length,
    split: design.split === 'walk-forward' ? `walk-forward ${design.folds} folds` : design.split === 'train-frac' ? `train-frac ${design.trainFrac}` : 'none',
    metric: report.primary.metric,
    probabilityBBetter: { point: nullIfNaN(p.point), low: nullIfNaN(p.low), high: nullIfNaN(p.high) },
    verdict: report.primary.verdict,
    runs: { planned: report.counts.planned, ok: report.counts.ok, failed: report.counts.failed },
  };
}

/** Every entry, oldest first; a line that is not an entry is an error naming the file and line. */
export function readHistory(runsDir: string): HistoryEntry[] {
  const file = historyFile(runsDir);
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n');
  const entries: HistoryEntry[] = [];
  lines.forEach((line, k) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new InputError(`${file}:${k + 1}: not a JSON line (${(error as Error).message}): ${line.slice(0, 80)}`);
    }
    const parsed = HistoryEntrySchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new InputError(`${file}:${k + 1}: not an A/B history entry: ${issue.path.join('.') || '(line)'}: ${issue.message}`);
    }
    entries.push(parsed.data);
  });
  return entries;
}

/** The same comparison: the same two arms (by label), on the same data (fingerprints), judged on the same metric. */
export function sameComparison(entries: readonly HistoryEntry[], c: { a: string; b: string; metric: string; fingerprints: readonly string[] }): HistoryEntry[] {
  const data = [...c.fingerprints].sort().join(',');
  return entries.filter((e) => e.a === c.a && e.b === c.b && e.metric === c.metric && e.datasets.map((d) => d.fingerprint).sort().join(',') === data);
}

export function appendHistory(runsDir: string, entry: HistoryEntry): string {
  const file = historyFile(runsDir);
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify(entry)}\n`);
  return file;
}
