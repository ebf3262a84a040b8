/**
 * Bad input through the CLI: each is exit status 2, nothing on stdout, and one line on stderr that
 * names the file, the line and column where they apply, the value, and what is wrong.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTmpDir, removeTmpDirs, runCli, type CliResult } from './helpers.js';

const HOUR = 3_600_000;
let work: string;

function kline(openTime: number): string {
  return [openTime, '46216.93', '46271.08', '46208.37', '46250.00', '40.57574', openTime + HOUR - 1, '1875734.6', '1234', '20.1', '930000.2', '0'].join(',');
}

/** Bytes from a fixed linear congruential sequence (tests must not use Math.random), with NULs. */
function binaryBytes(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  let x = 12_345;
  for (let i = 0; i < length; i++) {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    bytes[i] = (x >> 16) & 0xff;
  }
  bytes[0] = 0x89; // not the start of a zip, gzip, Parquet or Arrow file
  bytes[7] = 0;
  bytes[100] = 0;
  return bytes;
}

const HEADER = 'date,open,high,low,close,volume';
const GOOD_ROW = '2024-01-01,100.5,101.0,99.5,100.8,1200';

beforeAll(() => {
  work = makeTmpDir();
  const files: Record<string, string | Buffer> = {
    'good.csv': `${HEADER}\n${GOOD_ROW}\n2024-01-02,100.8,101.2,99.9,100.2,900\n`,
    'no-close.csv': `date,open,high,low,volume\n2024-01-01,100.5,101.0,99.5,1200\n`,
    'not-a-number.csv': `${HEADER}\n${GOOD_ROW}\n2024-01-02,100.8,abc,99.9,100.2,900\n`,
    'high-below-low.csv': `${HEADER}\n${GOOD_ROW}\n2024-01-02,100.8,99.1,99.4,99.2,900\n`,
    'time-goes-back.csv': `${HEADER}\n${GOOD_ROW}\n2024-01-02,100.8,101.2,99.9,100.2,900\n2024-01-01,100.2,100.9,99.8,100.0,700\n`,
    'duplicate-time.csv': `${HEADER}\n${GOOD_ROW}\n2024-01-02,100.8,101.2,99.9,100.2,900\n2024-01-02,100.2,100.9,99.8,100.0,700\n`,
    'empty.csv': '',
    'header-only.csv': `${HEADER}\n`,
    // The download stopped in the middle of the last row: it has 5 of 12 fields and no newline.
    'BTCUSDT-1h-2022-01.csv': `${kline(Date.UTC(2022, 0, 1, 0))}\n${kline(Date.UTC(2022, 0, 1, 1))}\n${kline(Date.UTC(2022, 0, 1, 2)).slice(0, 44)}`,
    'excel.csv': `date;open;high;low;close;volume\n2024-01-01;100.5;101.0;99.5;100.8;1200\n`,
    // Excel in a European locale: semicolons between fields, decimal commas, no header.
    'excel-eu.csv': `2024-01-01;100,5;101,0;99,5;100,8;1200\n2024-01-02;100,8;101,2;99,9;100,2;900\n`,
    'random.csv': binaryBytes(512),
    'BTCUSDT-1h-2022-02.csv': Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00]), binaryBytes(200)]),
  };
  for (const [name, content] of Object.entries(files)) writeFileSync(join(work, name), content);
});

afterAll(removeTmpDirs);

function inspect(...args: string[]): CliResult {
  return runCli(['data', 'inspect', ...args], { cwd: work });
}

/**
 * Exit 2, empty stdout, and one stderr line `replaylab: …` that names `file` and holds every expected
 * piece; patterns are matched with the file name taken out, so a name cannot satisfy them.
 */
function expectOneLineError(result: CliResult, file: string, ...pieces: (string | RegExp)[]): string {
  expect(result.stdout).toBe('');
  expect(result.stderr.endsWith('\n')).toBe(true);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  const line = lines[0]!;
  expect(line.startsWith('replaylab: ')).toBe(true);
  expect(line).toContain(file);
  const withoutFile = line.split(file).join('<file>');
  for (const piece of pieces) {
    if (typeof piece === 'string') expect(line).toContain(piece);
    else expect(withoutFile).toMatch(piece);
  }
  expect(line).not.toMatch(/internal error|\n\s+at /);
  expect(result.status).toBe(2);
  return line;
}

describe('data inspect: a bad file is one clear line on stderr and exit status 2', () => {
  it('a generic CSV header without close: names the missing column', () => {
    // The header has open, high and low: it is meant as candles, and 'close' is what is missing.
    expectOneLineError(inspect('no-close.csv'), 'no-close.csv', 'no-close.csv:1', 'date,open,high,low,volume', /missing column 'close'/);
  });

  it('a value that is not a number: file, line, column, value', () => {
    const line = expectOneLineError(inspect('not-a-number.csv'), 'not-a-number.csv');
    expect(line).toBe(`replaylab: not-a-number.csv:3:3 column 'high' value "abc": not a number`);
  });

  it('high below low', () => {
    const line = expectOneLineError(inspect('high-below-low.csv'), 'high-below-low.csv');
    expect(line).toBe(`replaylab: high-below-low.csv:3:3 column 'high' value "99.1": high below low (99.4)`);
  });

  it('a time that goes back', () => {
    expectOneLineError(
      inspect('time-goes-back.csv'),
      'time-goes-back.csv',
      `time-goes-back.csv:4:1 column 'date' value "2024-01-01"`,
      /not increasing/,
      'line 3',
      '2024-01-02T00:00:00Z',
    );
  });

  it('a duplicate time', () => {
    expectOneLineError(inspect('duplicate-time.csv'), 'duplicate-time.csv', `duplicate-time.csv:4:1 column 'date' value "2024-01-02"`, /duplicate time/, 'line 3');
  });

  it('an empty file', () => {
    const line = expectOneLineError(inspect('empty.csv'), 'empty.csv');
    expect(line).toBe('replaylab: empty.csv: the file is empty');
  });

  it('a header and no rows', () => {
    expectOneLineError(inspect('header-only.csv'), 'header-only.csv', 'header-only.csv:1', /header but no data rows/);
  });

  it('a truncated last line: fewer columns than the others', () => {
    expectOneLineError(
      inspect('BTCUSDT-1h-2022-01.csv'),
      'BTCUSDT-1h-2022-01.csv',
      'BTCUSDT-1h-2022-01.csv:3 ',
      'value "1641002400000,46216.93,46271.08,46208.37,462"',
      /expected 12, found 5/,
      /truncated/,
    );
  });

  it('a semicolon-separated file', () => {
    expectOneLineError(inspect('excel.csv'), 'excel.csv', 'excel.csv:1', 'date;open;high;low;close;volume', /semicolon/, /comma/);
  });

  it('a semicolon-separated file with decimal commas and no header', () => {
    // The line has commas, but they are decimal commas: the fields are separated by semicolons.
    expectOneLineError(inspect('excel-eu.csv'), 'excel-eu.csv', 'excel-eu.csv:1', '2024-01-01;100,5;101,0', /semicolon/);
  });

  it('a binary file', () => {
    expectOneLineError(inspect('random.csv'), 'random.csv', /binary/, /not a CSV/);
  });

  it('a zip archive named .csv', () => {
    expectOneLineError(inspect('BTCUSDT-1h-2022-02.csv'), 'BTCUSDT-1h-2022-02.csv', /zip archive/, /unzip/);
  });

  it('a path that does not exist', () => {
    const line = expectOneLineError(inspect('no-such-file.csv'), 'no-such-file.csv');
    expect(line).toBe('replaylab: no-such-file.csv: no such file or folder');
  });

  it('an absolute path is named as given', () => {
    const path = join(work, 'high-below-low.csv');
    expectOneLineError(inspect(path), path, `${path}:3:3`, /high below low/);
  });
});

describe('usage errors exit with status 2', () => {
  it('(the file they use is good)', () => {
    const result = runCli(['data', 'inspect', 'good.csv'], { cwd: work });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^candles\s+2$/m);
  });

  it('an unknown command', () => {
    const result = runCli(['frobnicate']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('frobnicate');
  });

  it('an unknown data command', () => {
    const result = runCli(['data', 'frobnicate']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('frobnicate');
  });

  it('an unknown option', () => {
    const result = runCli(['data', 'inspect', 'good.csv', '--frobnicate'], { cwd: work });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('frobnicate');
  });

  it('--interval bogus', () => {
    const result = runCli(['data', 'inspect', 'good.csv', '--interval', 'bogus'], { cwd: work });
    expectOneLineError(result, `--interval 'bogus'`, `--interval 'bogus'`, /not an interval/);
  });

  it('--on-bad-row with a value that is not a choice', () => {
    const result = runCli(['data', 'inspect', 'good.csv', '--on-bad-row', 'maybe'], { cwd: work });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('maybe');
  });
});
