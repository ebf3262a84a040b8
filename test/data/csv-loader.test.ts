import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCsvFile, type LoadOptions, type ParsedCandles, type ParsedFile, type ParsedTrades } from '../../src/data/csv-loader.js';
import { DataError, InputError } from '../../src/data/errors.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'data');
const fixture = (name: string): string => join(FIXTURES, name);

const tmp = mkdtempSync(join(tmpdir(), 'replaylab-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let fileCounter = 0;
/** Writes `text` to a new file in the temporary folder and returns its path. */
function writeTmp(text: string | Buffer, name = `f${++fileCounter}.csv`): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

async function candles(file: string, options?: LoadOptions): Promise<ParsedCandles> {
  const parsed = await parseCsvFile(file, options);
  expect(parsed.kind).toBe('candles');
  return parsed as ParsedCandles;
}

async function trades(file: string, options?: LoadOptions): Promise<ParsedTrades> {
  const parsed = await parseCsvFile(file, options);
  expect(parsed.kind).toBe('trades');
  return parsed as ParsedTrades;
}

async function loadError(file: string, options?: LoadOptions): Promise<DataError> {
  let result: ParsedFile | undefined;
  try {
    result = await parseCsvFile(file, options);
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    return error as DataError;
  }
  throw new Error(`expected a DataError, got ${result.table.rows} rows`);
}

const col = (a: Float64Array): number[] => Array.from(a);

const KLINE_HEADER =
  'open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore';
/** A valid Binance 1h kline row at hour `h` after 2022-01-01 with the given OHLCV. */
function kline(h: number, o: string, hi: string, lo: string, c: string, v = '10.5'): string {
  const open = 1_640_995_200_000 + h * 3_600_000;
  return `${open},${o},${hi},${lo},${c},${v},${open + 3_599_999},1000.25,42,4.25,500.5,0`;
}

describe('parseCsvFile: candle formats', () => {
  it('reads Binance klines with a header', async () => {
    const p = await candles(fixture('BTCUSDT-1h-2022-01.csv'));
    expect(p.format).toBe('binance-klines');
    expect(p.hasHeader).toBe(true);
    expect(p.timeUnit).toBe('ms');
    expect(p.badRows).toBe(0);
    expect(p.presentColumns).toEqual([
      'openTime',
      'open',
      'high',
      'low',
      'close',
      'volume',
      'closeTime',
      'quoteVolume',
      'tradeCount',
      'takerBuyVolume',
      'takerBuyQuoteVolume',
    ]);
    const c = p.table.columns;
    expect(p.table.rows).toBe(3);
    expect(col(c.openTime)).toEqual([1_640_995_200_000, 1_640_998_800_000, 1_641_002_400_000]);
    expect(col(c.open)).toEqual([46216.93, 46656.14, 46778.14]);
    expect(col(c.high)).toEqual([46731.39, 46949.99, 46928.94]);
    expect(col(c.low)).toEqual([46208.37, 46574.06, 46090]);
    expect(col(c.close)).toEqual([46656.13, 46778.14, 46160]);
    expect(col(c.volume)).toEqual([1503.33095, 943.81539, 1038.21452]);
    expect(col(c.closeTime)).toEqual([1_640_998_799_999, 1_641_002_399_999, 1_641_005_999_999]);
    expect(col(c.quoteVolume)).toEqual([69819798.4412, 44123166.9866, 48228461.5781]);
    expect(col(c.tradeCount)).toEqual([38556, 26616, 29962]);
    expect(col(c.takerBuyVolume)).toEqual([748.48338, 429.91108, 468.86008]);
    expect(col(c.takerBuyQuoteVolume)).toEqual([34768956.3219, 20099547.3853, 21776624.1032]);
  });

  it('reads Binance klines without a header', async () => {
    const p = await candles(fixture('klines-no-header.csv'));
    expect(p.format).toBe('binance-klines');
    expect(p.hasHeader).toBe(false);
    expect(p.table.rows).toBe(2);
    expect(col(p.table.columns.openTime)).toEqual([1_640_995_200_000, 1_640_998_800_000]);
    expect(col(p.table.columns.close)).toEqual([46656.13, 46778.14]);
    expect(col(p.table.columns.takerBuyVolume)).toEqual([748.48338, 429.91108]);
  });

  it('reads microsecond klines and converts open and close times to ms', async () => {
    const p = await candles(fixture('klines-microseconds.csv'));
    expect(p.timeUnit).toBe('us');
    expect(col(p.table.columns.openTime)).toEqual([1_735_689_600_000, 1_735_689_660_000]);
    expect(p.table.columns.closeTime[0]).toBeCloseTo(1_735_689_659_999.999, 3);
    expect(col(p.table.columns.open)).toEqual([93576, 93610.93]);
    expect(col(p.table.columns.volume)).toEqual([8.21827, 12.51447]);
    expect(col(p.table.columns.tradeCount)).toEqual([1314, 1564]);
    expect(col(p.table.columns.takerBuyVolume)).toEqual([3.42045, 8.80191]);
  });

  it('reads pandas candles with ISO dates in an unnamed first column; absent columns are NaN', async () => {
    const p = await candles(fixture('pandas-candles.csv'));
    expect(p.format).toBe('generic-candles');
    expect(p.timeUnit).toBe('iso');
    expect(p.presentColumns).toEqual(['openTime', 'open', 'high', 'low', 'close', 'volume']);
    const c = p.table.columns;
    expect(col(c.openTime)).toEqual([Date.UTC(2004, 7, 19), Date.UTC(2004, 7, 20), Date.UTC(2004, 7, 23)]);
    expect(col(c.open)).toEqual([100, 101.01, 110.75]);
    expect(col(c.high)).toEqual([104.06, 109.08, 113.48]);
    expect(col(c.low)).toEqual([95.96, 100.5, 109.05]);
    expect(col(c.close)).toEqual([100.34, 108.31, 109.4]);
    expect(col(c.volume)).toEqual([22351900, 11428600, 9137200]);
    for (const name of ['closeTime', 'quoteVolume', 'tradeCount', 'takerBuyVolume', 'takerBuyQuoteVolume'] as const) {
      expect(col(c[name]).every(Number.isNaN), name).toBe(true);
    }
  });

  it('reads ISO times with offsets as UTC instants; no volume column gives NaN volume', async () => {
    const p = await candles(fixture('iso-offset-candles.csv'));
    expect(col(p.table.columns.openTime)).toEqual([Date.UTC(2023, 1, 2, 9, 20), Date.UTC(2023, 1, 2, 9, 25)]);
    expect(col(p.table.columns.close)).toEqual([23705.2, 23718.9]);
    expect(col(p.table.columns.volume).every(Number.isNaN)).toBe(true);
    expect(p.presentColumns).toEqual(['openTime', 'open', 'high', 'low', 'close']);
  });

  it('reads headerless time,open,high,low,close,volume with epoch seconds', async () => {
    const p = await candles(fixture('ohlcv-no-header.csv'));
    expect(p.format).toBe('generic-candles');
    expect(p.timeUnit).toBe('s');
    expect(col(p.table.columns.openTime)).toEqual([1_640_995_200_000, 1_640_998_800_000]);
    expect(col(p.table.columns.high)).toEqual([46731.39, 46949.99]);
    expect(col(p.table.columns.volume)).toEqual([1503.33095, 943.81539]);
    expect(col(p.table.columns.takerBuyVolume).every(Number.isNaN)).toBe(true);
  });

  it('reads headerless candles whose time is an ISO date (detectLayout treats such a first cell as data)', async () => {
    const file = writeTmp('2024-01-01 00:00:00,100,101,99,100.5,12\n2024-01-01 00:05:00,100.5,102,100,101,7\n');
    const p = await candles(file);
    expect(col(p.table.columns.openTime)).toEqual([Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 1, 0, 5)]);
    expect(col(p.table.columns.volume)).toEqual([12, 7]);
  });

  it('reads a CRLF file', async () => {
    const file = writeTmp(`${KLINE_HEADER}\r\n${kline(0, '100', '101', '99', '100.5')}\r\n${kline(1, '100.5', '102', '100', '101')}\r\n`);
    const p = await candles(file);
    expect(p.table.rows).toBe(2);
    expect(col(p.table.columns.close)).toEqual([100.5, 101]);
    // The last field must not keep a stray carriage return (it would be NaN or fail).
    expect(col(p.table.columns.takerBuyQuoteVolume)).toEqual([500.5, 500.5]);
  });

  it('reads a headerless CRLF file', async () => {
    const file = writeTmp(`${kline(0, '100', '101', '99', '100.5')}\r\n${kline(1, '100.5', '102', '100', '101')}\r\n`);
    const p = await candles(file);
    expect(p.hasHeader).toBe(false);
    expect(col(p.table.columns.openTime)).toEqual([1_640_995_200_000, 1_640_998_800_000]);
  });

  it('reads a file whose header starts with a UTF-8 BOM', async () => {
    const file = writeTmp(`\uFEFF${KLINE_HEADER}\n${kline(0, '100', '101', '99', '100.5')}\n`);
    const p = await candles(file);
    expect(p.format).toBe('binance-klines');
    expect(p.table.rows).toBe(1);
    expect(p.table.columns.openTime[0]).toBe(1_640_995_200_000);
  });

  it('reads a headerless file that starts with a UTF-8 BOM', async () => {
    const file = writeTmp(`\uFEFF${kline(0, '100', '101', '99', '100.5')}\n${kline(1, '100.5', '102', '100', '101')}\n`);
    const p = await candles(file);
    expect(p.hasHeader).toBe(false);
    expect(col(p.table.columns.openTime)).toEqual([1_640_995_200_000, 1_640_998_800_000]);
  });

  it('reads quoted fields with epoch times', async () => {
    const file = writeTmp('"timestamp","open","high","low","close"\n"1640995200000","100","101","99","100.5"\n');
    const p = await candles(file);
    expect(p.table.columns.openTime[0]).toBe(1_640_995_200_000);
    expect(p.table.columns.close[0]).toBe(100.5);
  });

  it('reads quoted fields with ISO dates', async () => {
    const file = writeTmp('"date","open","high","low","close"\n"2024-01-01","100","101","99","100.5"\n"2024-01-02","100.5","102","100","101"\n');
    const p = await candles(file);
    expect(p.timeUnit).toBe('iso');
    expect(col(p.table.columns.openTime)).toEqual([Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 2)]);
    expect(col(p.table.columns.close)).toEqual([100.5, 101]);
  });

  it('reads a headerless file whose fields are all quoted', async () => {
    const file = writeTmp('"1640995200000","100","101","99","100.5","12"\n"1640998800000","100.5","102","100","101","7"\n');
    const p = await candles(file);
    expect(p.hasHeader).toBe(false);
    expect(col(p.table.columns.openTime)).toEqual([1_640_995_200_000, 1_640_998_800_000]);
    expect(col(p.table.columns.volume)).toEqual([12, 7]);
  });

  it('reads a quoted header that starts with a UTF-8 BOM (as spreadsheet exports write it)', async () => {
    const file = writeTmp('\uFEFF"timestamp","open","high","low","close"\n"1640995200000","100","101","99","100.5"\n');
    const p = await candles(file);
    expect(p.table.columns.openTime[0]).toBe(1_640_995_200_000);
    expect(p.table.columns.close[0]).toBe(100.5);
  });

  it('skips blank lines and a missing final line break', async () => {
    const file = writeTmp(`${KLINE_HEADER}\n${kline(0, '100', '101', '99', '100.5')}\n\n${kline(1, '100.5', '102', '100', '101')}`);
    const p = await candles(file);
    expect(p.table.rows).toBe(2);
  });
});

describe('parseCsvFile: trade formats', () => {
  it('reads 7-column aggTrades with a header; false/true is taker buy/sell; equal times are fine', async () => {
    const p = await trades(fixture('aggTrades-7-header.csv'));
    expect(p.format).toBe('binance-aggTrades');
    expect(p.hasHeader).toBe(true);
    expect(p.timeUnit).toBe('ms');
    expect(p.presentColumns).toEqual(['time', 'price', 'qty', 'side', 'id']);
    const c = p.table.columns;
    expect(col(c.time)).toEqual([1_640_995_200_047, 1_640_995_200_047, 1_640_995_200_312]);
    expect(col(c.price)).toEqual([46210.9, 46210.8, 46211]);
    expect(col(c.qty)).toEqual([0.003, 0.25, 1.103]);
    expect(col(c.side)).toEqual([1, -1, 1]);
    expect(col(c.id)).toEqual([2079829480, 2079829481, 2079829482]);
  });

  it('reads 8-column spot aggTrades with True/False and microsecond times as fractional ms', async () => {
    const p = await trades(fixture('aggTrades-8-no-header.csv'));
    expect(p.format).toBe('binance-aggTrades');
    expect(p.hasHeader).toBe(false);
    expect(p.timeUnit).toBe('us');
    const c = p.table.columns;
    expect(col(c.time)).toEqual([1_735_689_600_012.345, 1_735_689_600_123.456]);
    expect(col(c.price)).toEqual([93576, 93575.99]);
    expect(col(c.qty)).toEqual([0.00512, 0.1]);
    expect(col(c.side)).toEqual([-1, 1]);
    expect(col(c.id)).toEqual([3373596567, 3373596568]);
  });

  it('reads 6-column trades with a header', async () => {
    const p = await trades(fixture('trades-6-header.csv'));
    expect(p.format).toBe('binance-trades');
    expect(col(p.table.columns.time)).toEqual([1_640_995_200_018, 1_640_995_200_018]);
    expect(col(p.table.columns.price)).toEqual([46216.9, 46217]);
    expect(col(p.table.columns.qty)).toEqual([0.01, 0.002]);
    expect(col(p.table.columns.side)).toEqual([-1, 1]);
    expect(col(p.table.columns.id)).toEqual([1519849581, 1519849582]);
  });

  it('reads 7-column spot trades without a header', async () => {
    const p = await trades(fixture('trades-7-no-header.csv'));
    expect(p.format).toBe('binance-trades');
    expect(p.timeUnit).toBe('us');
    expect(col(p.table.columns.time)).toEqual([1_735_689_600_012.345, 1_735_689_600_123.456]);
    expect(col(p.table.columns.qty)).toEqual([0.00512, 0.03]);
    expect(col(p.table.columns.side)).toEqual([-1, 1]);
    expect(col(p.table.columns.id)).toEqual([4340346371, 4340346372]);
  });

  it("reads freqtrade trades with 'buy'/'sell' sides", async () => {
    const p = await trades(fixture('freqtrade-trades.csv'));
    expect(p.format).toBe('generic-trades');
    const c = p.table.columns;
    expect(col(c.time)).toEqual([1_640_995_200_047, 1_640_995_200_047, 1_640_995_200_312]);
    expect(col(c.price)).toEqual([46210.9, 46210.8, 46211]);
    expect(col(c.qty)).toEqual([0.003, 0.25, 1.103]);
    expect(col(c.side)).toEqual([1, -1, 1]);
    expect(col(c.id)).toEqual([2079829480, 2079829481, 2079829482]);
  });

  it('reads the orderflow layout (pandas index, timestamp, empty type column)', async () => {
    const p = await trades(fixture('orderflow-trades.csv'));
    expect(p.format).toBe('generic-trades');
    const c = p.table.columns;
    expect(col(c.time)).toEqual([1_640_995_200_047, 1_640_995_200_047, 1_640_995_200_312]);
    expect(col(c.price)).toEqual([46210.9, 46210.8, 46211]);
    expect(col(c.qty)).toEqual([0.003, 0.25, 1.103]);
    expect(col(c.side)).toEqual([1, -1, 1]);
    expect(col(c.id)).toEqual([2079829480, 2079829481, 2079829482]);
  });

  it('reads trades without side or id: side 0, id NaN', async () => {
    const file = writeTmp('timestamp,price,qty\n1640995200000,100.5,2\n1640995201000,100.25,0.5\n');
    const p = await trades(file);
    expect(p.presentColumns).toEqual(['time', 'price', 'qty']);
    expect(col(p.table.columns.side)).toEqual([0, 0]);
    expect(col(p.table.columns.id).every(Number.isNaN)).toBe(true);
  });
});

describe('parseCsvFile: validation errors name the line, column and value', () => {
  /** A kline file with a good row on line 2 and `bad` on line 3. */
  function klinesWith(bad: string): string {
    return writeTmp(`${KLINE_HEADER}\n${kline(0, '100', '101', '99', '100.5')}\n${bad}\n${kline(2, '100', '101', '99', '100.5')}\n`);
  }

  it('rejects a value that is not a number', async () => {
    const file = klinesWith(kline(1, '100', '101', '99', '100.5', 'abc'));
    const e = await loadError(file);
    expect(e.location).toEqual({ file, line: 3, column: 6, columnName: 'volume', value: 'abc' });
    expect(e.reason).toBe('not a number');
    expect(e.message).toBe(`${file}:3:6 column 'volume' value "abc": not a number`);
  });

  it('rejects an empty field instead of reading it as 0', async () => {
    const emptyVolume = await loadError(klinesWith(kline(1, '100', '101', '99', '100.5', '')));
    expect(emptyVolume.location).toMatchObject({ line: 3, column: 6, columnName: 'volume', value: '' });
    expect(emptyVolume.reason).toBe('not a number');
    const emptyOpen = await loadError(klinesWith(kline(1, '', '101', '99', '100.5')));
    expect(emptyOpen.location).toMatchObject({ line: 3, column: 2, columnName: 'open', value: '' });
    expect(emptyOpen.reason).toBe('not a number');
    const blankTime = await loadError(klinesWith(kline(1, '100', '101', '99', '100.5').replace(/^\d+/, ' ')));
    expect(blankTime.location).toMatchObject({ line: 3, column: 1, columnName: 'open_time', value: ' ' });
    expect(blankTime.reason).toMatch(/not a time/);
  });

  it('rejects high below low', async () => {
    const file = klinesWith(kline(1, '100', '98', '99', '100'));
    const e = await loadError(file);
    expect(e.location).toEqual({ file, line: 3, column: 3, columnName: 'high', value: '98' });
    expect(e.reason).toBe('high below low (99)');
    expect(e.message).toBe(`${file}:3:3 column 'high' value "98": high below low (99)`);
  });

  it('rejects high below close', async () => {
    const e = await loadError(klinesWith(kline(1, '100', '105', '99', '106')));
    expect(e.location).toMatchObject({ line: 3, column: 3, columnName: 'high', value: '105' });
    expect(e.reason).toBe('high below close (106)');
  });

  it('rejects high below open', async () => {
    const e = await loadError(klinesWith(kline(1, '107', '105', '99', '104')));
    expect(e.location).toMatchObject({ line: 3, column: 3, columnName: 'high', value: '105' });
    expect(e.reason).toBe('high below open (107)');
  });

  it('rejects low above open', async () => {
    const e = await loadError(klinesWith(kline(1, '100', '105', '101', '104')));
    expect(e.location).toMatchObject({ line: 3, column: 4, columnName: 'low', value: '101' });
    expect(e.reason).toBe('low above open (100)');
  });

  it('rejects low above close', async () => {
    const e = await loadError(klinesWith(kline(1, '104', '105', '101', '100.5')));
    expect(e.location).toMatchObject({ line: 3, column: 4, columnName: 'low', value: '101' });
    expect(e.reason).toBe('low above close (100.5)');
  });

  it('rejects prices that are not above zero', async () => {
    const zero = await loadError(klinesWith(kline(1, '100', '101', '99', '0')));
    expect(zero.location).toMatchObject({ line: 3, column: 5, columnName: 'close', value: '0' });
    expect(zero.reason).toBe('a price must be above zero');
    const negative = await loadError(klinesWith(kline(1, '-1', '101', '99', '100')));
    expect(negative.location).toMatchObject({ line: 3, column: 2, columnName: 'open', value: '-1' });
    expect(negative.reason).toBe('a price must be above zero');
    const infinite = await loadError(klinesWith(kline(1, '100', 'Infinity', '99', '100')));
    expect(infinite.location).toMatchObject({ column: 3, value: 'Infinity' });
    expect(infinite.reason).toBe('not a finite number');
  });

  it('rejects negative volumes, counts and taker volumes', async () => {
    const volume = await loadError(klinesWith(kline(1, '100', '101', '99', '100.5', '-5')));
    expect(volume.location).toMatchObject({ line: 3, column: 6, columnName: 'volume', value: '-5' });
    expect(volume.reason).toBe('must not be negative');
    const taker = await loadError(klinesWith(kline(1, '100', '101', '99', '100.5').replace(',4.25,', ',-4.25,')));
    expect(taker.location).toMatchObject({ line: 3, column: 10, columnName: 'taker_buy_volume', value: '-4.25' });
    // A volume of zero is fine.
    const p = await candles(klinesWith(kline(1, '100', '101', '99', '100.5', '0')));
    expect(p.table.columns.volume[1]).toBe(0);
  });

  it('rejects a duplicate time', async () => {
    const file = writeTmp(
      `${KLINE_HEADER}\n${kline(0, '100', '101', '99', '100.5')}\n${kline(1, '100', '101', '99', '100.5')}\n${kline(1, '100', '101', '99', '100.5')}\n`,
    );
    const e = await loadError(file);
    expect(e.location).toEqual({ file, line: 4, column: 1, columnName: 'open_time', value: '1640998800000' });
    expect(e.reason).toBe('duplicate time 2022-01-01T01:00:00Z (line 3 has the same)');
  });

  it('rejects a time going backwards', async () => {
    const file = writeTmp(`${kline(0, '100', '101', '99', '100.5')}\n${kline(2, '100', '101', '99', '100.5')}\n${kline(1, '100', '101', '99', '100.5')}\n`);
    const e = await loadError(file);
    expect(e.location).toEqual({ file, line: 3, column: 1, columnName: 'open_time', value: '1640998800000' });
    expect(e.reason).toBe('time not increasing: 2022-01-01T01:00:00Z is before line 2 (2022-01-01T02:00:00Z)');
  });

  it('rejects a wrong column count (a truncated last line)', async () => {
    const file = writeTmp(`${KLINE_HEADER}\n${kline(0, '100', '101', '99', '100.5')}\n1640998800000,100,101,99`);
    const e = await loadError(file);
    expect(e.location).toEqual({ file, line: 3, value: '1640998800000,100,101,99' });
    expect(e.location.column).toBeUndefined();
    expect(e.reason).toBe('wrong column count: expected 12, found 4 (a truncated line?)');
  });

  it('rejects a trade going back in time but accepts equal times', async () => {
    const file = writeTmp(
      [
        'agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker',
        '1,100.5,1,1,1,1640995200100,false',
        '2,100.5,1,2,2,1640995200100,true',
        '3,100.5,1,3,3,1640995200099,true',
      ].join('\n'),
    );
    const e = await loadError(file);
    expect(e.location).toEqual({ file, line: 4, column: 6, columnName: 'transact_time', value: '1640995200099' });
    expect(e.reason).toMatch(/^time not increasing: 2022-01-01T00:00:00\.099Z is before line 3 /);
  });

  it('rejects bad trade prices, quantities and sides', async () => {
    const head = 'timestamp,price,amount,side\n1640995200000,100,1,buy\n';
    const price = await loadError(writeTmp(`${head}1640995200001,0,1,buy\n`));
    expect(price.location).toMatchObject({ line: 3, column: 2, columnName: 'price', value: '0' });
    expect(price.reason).toBe('a price must be above zero');
    const qty = await loadError(writeTmp(`${head}1640995200001,100,-1,buy\n`));
    expect(qty.location).toMatchObject({ line: 3, column: 3, columnName: 'amount', value: '-1' });
    expect(qty.reason).toBe('must not be negative');
    const emptyQty = await loadError(writeTmp(`${head}1640995200001,100,,buy\n`));
    expect(emptyQty.reason).toBe('not a number');
    const side = await loadError(writeTmp(`${head}1640995200001,100,1,long\n`));
    expect(side.location).toMatchObject({ line: 3, column: 4, columnName: 'side', value: 'long' });
    expect(side.reason).toBe('expected buy or sell');
    const maker = await loadError(writeTmp('1,100.5,1,1,1,1640995200100,false\n2,100.5,1,2,2,1640995200100,maybe\n'));
    expect(maker.location).toMatchObject({ line: 2, column: 7, value: 'maybe' });
    expect(maker.reason).toBe('expected true or false');
  });

  it('rejects a side word that happens to be an Object.prototype property', async () => {
    const file = writeTmp('timestamp,price,amount,side\n1640995200000,100,1,buy\n1640995200001,100,1,constructor\n');
    const e = await loadError(file);
    expect(e.location).toMatchObject({ line: 3, columnName: 'side', value: 'constructor' });
  });

  it('rejects a file whose rows are all bad', async () => {
    const e = await loadError(writeTmp(`${KLINE_HEADER}\n${kline(0, '100', '98', '99', '100')}\n`), { onBadRow: 'skip' });
    expect(e.reason).toBe('no valid rows: all 1 data rows are bad');
  });

  it('reports a missing file as an InputError', async () => {
    await expect(parseCsvFile(join(tmp, 'nope.csv'))).rejects.toThrow(InputError);
    await expect(parseCsvFile(join(tmp, 'nope.csv'))).rejects.toThrow(/no such file/);
  });
});

describe("parseCsvFile: onBadRow 'skip'", () => {
  it('leaves bad rows out, counts them and keeps samples', async () => {
    const file = writeTmp(
      [
        KLINE_HEADER,
        kline(0, '100', '101', '99', '100.5'), // line 2 ok
        kline(1, '100', '98', '99', '100'), // line 3 high below low
        kline(1, '100', '102', '99', '101', 'x'), // line 4 volume not a number
        kline(1, '100', '103', '99', '102'), // line 5 ok
        kline(1, '100', '104', '99', '103'), // line 6 duplicate of line 5
        kline(0, '100', '104', '99', '103'), // line 7 backwards
        '1641006000000,1,2', // line 8 wrong width
        kline(4, '100', '105', '99', '104'), // line 9 ok
      ].join('\n'),
    );
    const p = await candles(file, { onBadRow: 'skip' });
    expect(p.badRows).toBe(5);
    expect(p.badRowSamples.map((s) => s.line)).toEqual([3, 4, 6, 7, 8]);
    expect(p.badRowSamples[0]!.message).toBe(`${file}:3:3 column 'high' value "98": high below low (99)`);
    expect(p.badRowSamples[2]!.message).toMatch(/duplicate time .* \(line 5 has the same\)/);
    expect(p.table.rows).toBe(3);
    expect(col(p.table.columns.openTime)).toEqual([1_640_995_200_000, 1_640_998_800_000, 1_641_009_600_000]);
    expect(col(p.table.columns.high)).toEqual([101, 103, 105]);
    // The default policy stops at the first of them.
    const e = await loadError(file);
    expect(e.location.line).toBe(3);
  });

  it('keeps at most 20 samples but counts every bad row', async () => {
    const lines = [KLINE_HEADER, kline(0, '100', '101', '99', '100.5')];
    for (let h = 1; h <= 30; h++) lines.push(kline(h, '100', '101', '99', '100.5', '-1'));
    lines.push(kline(31, '100', '101', '99', '100.5'));
    const p = await candles(writeTmp(lines.join('\n')), { onBadRow: 'skip' });
    expect(p.badRows).toBe(30);
    expect(p.badRowSamples).toHaveLength(20);
    expect(p.table.rows).toBe(2);
  });

  it('skips bad trade rows too', async () => {
    const file = writeTmp('timestamp,price,amount,side\n1000000000000,100,1,buy\n999999999999,100,1,sell\n1000000000001,-3,1,sell\n1000000000002,101,2,sell\n');
    const p = await trades(file, { onBadRow: 'skip' });
    expect(p.badRows).toBe(2);
    expect(p.badRowSamples.map((s) => s.line)).toEqual([3, 4]);
    expect(col(p.table.columns.time)).toEqual([1_000_000_000_000, 1_000_000_000_002]);
    expect(col(p.table.columns.side)).toEqual([1, -1]);
  });
});

describe('parseCsvFile: large files', () => {
  it('loads a file of 90,000 rows whose later lines are shorter than the sniffed head (buffer growth)', async () => {
    const rows = 90_000;
    const start = 1_600_000_000_000;
    const lines: string[] = [];
    let expectedVolume = 0;
    for (let i = 0; i < rows; i++) {
      const t = start + i * 60_000;
      // Long lines first (more than the 64 KiB sniff window), then short ones: the row estimate
      // from the head is far too low and the builder must grow several times.
      const long = i < 2_000;
      const o = long ? '100.000000000000' : '100';
      const h = long ? '101.000000000000' : '101';
      const l = long ? '99.0000000000000' : '99';
      const c = long ? '100.500000000000' : '100.5';
      const v = i % 97;
      expectedVolume += v;
      const tail = long ? `${t + 59_999},12345.678900000,123,0.12345678900,99.123456789,0` : `${t + 59_999},1,1,0,0,0`;
      lines.push(`${t},${o},${h},${l},${c},${v},${tail}`);
    }
    const file = writeTmp(`${lines.join('\n')}\n`, 'big-klines.csv');
    const p = await candles(file);
    expect(p.table.rows).toBe(rows);
    const t = p.table.columns.openTime;
    expect(t[0]).toBe(start);
    expect(t[rows - 1]).toBe(start + (rows - 1) * 60_000);
    for (let i = 1; i < rows; i++) {
      if (t[i]! - t[i - 1]! !== 60_000) throw new Error(`row ${i}: step ${t[i]! - t[i - 1]!}`);
    }
    let volume = 0;
    for (const v of p.table.columns.volume) volume += v;
    expect(volume).toBe(expectedVolume);
    expect(p.table.columns.close[1_999]).toBe(100.5);
    expect(p.table.columns.tradeCount[1_999]).toBe(123);
    expect(p.table.columns.tradeCount[2_000]).toBe(1);
    expect(p.table.columns.close[rows - 1]).toBe(100.5);
  });

  it('names the right line of a bad row far into a big file', async () => {
    const lines = ['timestamp,price,amount'];
    for (let i = 0; i < 75_000; i++) lines.push(`${1_600_000_000_000 + i},${100 + (i % 10)},${(i % 7) + 1}`);
    lines[70_001] = `${1_600_000_000_000 + 70_000},0,1`; // data row 70,000 is line 70,002
    const file = writeTmp(`${lines.join('\n')}\n`, 'big-trades.csv');
    const e = await loadError(file);
    expect(e.location).toMatchObject({ line: 70_002, column: 2, value: '0' });
    const p = await trades(file, { onBadRow: 'skip' });
    expect(p.table.rows).toBe(74_999);
    expect(p.badRowSamples[0]!.line).toBe(70_002);
  });
});

describe('parseCsvFile: more checks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'replaylab-more-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string | Buffer): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const AGG = 'agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker';

  it('rejects a repeated aggTrades id, naming the line that had it first', async () => {
    const file = write('dup-id.csv', `${AGG}\n7,100,1,7,7,1700000000000,true\n7,100,1,7,7,1700000000000,true\n`);
    await expect(parseCsvFile(file)).rejects.toThrow(/dup-id\.csv:3:1 column 'agg_trade_id' value "7": duplicate trade id \(line 2 has the same\)/);
  });

  it('rejects aggTrades ids that go back', async () => {
    const file = write('back-id.csv', `${AGG}\n8,100,1,8,8,1700000000000,true\n7,100,1,7,7,1700000000001,true\n`);
    await expect(parseCsvFile(file)).rejects.toThrow(/back-id\.csv:3:1 .*trade id not increasing \(line 2 has 8\)/);
  });

  it('skips a duplicated freqtrade trade row and counts it', async () => {
    const row = '1570752011620,13519807,sell,0.00141342,23,0.03250866';
    const file = write('ft-dup.csv', `timestamp,id,side,price,amount,cost\n${row}\n${row}\n1570752011700,13519808,buy,0.0014,1,0.0014\n`);
    const parsed = await parseCsvFile(file, { onBadRow: 'skip' });
    expect(parsed.table.rows).toBe(2);
    expect(parsed.badRows).toBe(1);
    expect(parsed.badRowSamples[0]!.line).toBe(3);
  });

  it('does not read 0x10 as sixteen', async () => {
    const file = write('hex.csv', 'timestamp,open,high,low,close\n1700000000000,10,0x10,9,10\n');
    await expect(parseCsvFile(file)).rejects.toThrow(/hex\.csv:2:3 column 'high' value "0x10": not a number/);
  });

  it('names UTF-16 text as such', async () => {
    const file = write('utf16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('timestamp,open\n', 'utf16le')]));
    await expect(parseCsvFile(file)).rejects.toThrow(/utf16\.csv: this is UTF-16 text: save it as UTF-8 CSV/);
  });

  it("calls pandas' unnamed index column '(unnamed)' in messages", async () => {
    const file = write('pandas-bad.csv', ',Open,High,Low,Close\nnot-a-date,1,2,0.5,1\n');
    await expect(parseCsvFile(file)).rejects.toThrow(/column '\(unnamed\)'/);
  });
});
