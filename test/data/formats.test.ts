import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/data/errors.js';
import { detectLayout, parseFileName, type DataKind, type FileLayout } from '../../src/data/formats.js';

const KLINE_HEADER =
  'open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore';
const KLINE_ROW =
  '1640995200000,46216.93,46731.39,46208.37,46656.13,1503.33095,1640998799999,69819798.4412,38556,748.48338,34768956.3219,0';
const KLINE_ROW_US =
  '1735689600000000,93576.00,93610.93,93537.50,93610.93,8.21827,1735689659999999,768978.14286646,1314,3.42045,320055.41068540,0';

function layoutOf(text: string, expect?: DataKind): FileLayout {
  const head = Buffer.from(text, 'utf8');
  return detectLayout('data/x.csv', head, head.length, expect);
}

function errorOf(head: Buffer | string, size?: number): DataError {
  const buffer = typeof head === 'string' ? Buffer.from(head, 'utf8') : head;
  try {
    detectLayout('data/x.csv', buffer, size ?? buffer.length);
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    return error as DataError;
  }
  throw new Error('detectLayout did not throw');
}

describe('detectLayout: Binance klines', () => {
  it('reads klines with a header', () => {
    const layout = layoutOf(`${KLINE_HEADER}\n${KLINE_ROW}\n`);
    expect(layout.kind).toBe('candles');
    expect(layout.format).toBe('binance-klines');
    expect(layout.hasHeader).toBe(true);
    expect(layout.width).toBe(12);
    expect(layout.timeField).toBe(0);
    expect(layout.timeIsText).toBe(false);
    expect(layout.fields).toMatchObject({
      openTime: 0,
      open: 1,
      high: 2,
      low: 3,
      close: 4,
      volume: 5,
      closeTime: 6,
      quoteVolume: 7,
      tradeCount: 8,
      takerBuyVolume: 9,
      takerBuyQuoteVolume: 10,
    });
    expect(layout.sideField).toBe(-1);
    expect(layout.quoted).toBe(false);
  });

  it('reads klines without a header', () => {
    const layout = layoutOf(`${KLINE_ROW}\n${KLINE_ROW}\n`);
    expect(layout.kind).toBe('candles');
    expect(layout.format).toBe('binance-klines');
    expect(layout.hasHeader).toBe(false);
    expect(layout.width).toBe(12);
    expect(layout.columnNames[2]).toBe('high');
    expect(layout.fields).toMatchObject({ openTime: 0, open: 1, high: 2, low: 3, close: 4, volume: 5, takerBuyVolume: 9 });
  });

  it('reads microsecond klines (2025+ spot) the same way', () => {
    const layout = layoutOf(`${KLINE_ROW_US}\n`);
    expect(layout.format).toBe('binance-klines');
    expect(layout.hasHeader).toBe(false);
    expect(layout.timeIsText).toBe(false);
  });

  it('takes the header with a UTF-8 BOM and CRLF line ends', () => {
    const layout = layoutOf(`\uFEFF${KLINE_HEADER}\r\n${KLINE_ROW}\r\n`);
    expect(layout.format).toBe('binance-klines');
    expect(layout.hasHeader).toBe(true);
    expect(layout.columnNames[0]).toBe('open_time');
  });

  it('estimates bytes per line from the head', () => {
    const text = `${KLINE_ROW}\n${KLINE_ROW}\n`;
    expect(layoutOf(text).bytesPerLine).toBe(text.length / 2);
  });
});

describe('detectLayout: Binance aggTrades and trades', () => {
  it('reads 7-column aggTrades with a header (futures)', () => {
    const layout = layoutOf(
      'agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker\n' +
        '2079829480,46210.9,0.003,4123120891,4123120891,1640995200047,false\n',
    );
    expect(layout.kind).toBe('trades');
    expect(layout.format).toBe('binance-aggTrades');
    expect(layout.hasHeader).toBe(true);
    expect(layout.width).toBe(7);
    expect(layout.timeField).toBe(5);
    expect(layout.fields).toMatchObject({ time: 5, price: 1, qty: 2, id: 0 });
    expect(layout.sideField).toBe(6);
    expect(layout.sideEncoding).toBe('is_buyer_maker');
  });

  it('reads 7-column aggTrades without a header', () => {
    const layout = layoutOf('2079829480,46210.9,0.003,4123120891,4123120891,1640995200047,false\n');
    expect(layout.format).toBe('binance-aggTrades');
    expect(layout.hasHeader).toBe(false);
    expect(layout.width).toBe(7);
    expect(layout.timeField).toBe(5);
    expect(layout.fields).toMatchObject({ id: 0, price: 1, qty: 2, time: 5 });
    expect(layout.sideField).toBe(6);
    expect(layout.sideEncoding).toBe('is_buyer_maker');
  });

  it('reads 8-column aggTrades without a header (spot)', () => {
    const layout = layoutOf('3373596567,93576.00000000,0.00512000,4340346371,4340346371,1735689600012345,True,True\n');
    expect(layout.kind).toBe('trades');
    expect(layout.format).toBe('binance-aggTrades');
    expect(layout.hasHeader).toBe(false);
    expect(layout.width).toBe(8);
    expect(layout.timeField).toBe(5);
    expect(layout.sideField).toBe(6);
    expect(layout.columnNames).toEqual([
      'agg_trade_id',
      'price',
      'quantity',
      'first_trade_id',
      'last_trade_id',
      'transact_time',
      'is_buyer_maker',
      'is_best_match',
    ]);
  });

  it('reads 8-column aggTrades with a header', () => {
    const layout = layoutOf(
      'agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker,is_best_match\n' +
        '3373596567,93576.0,0.00512,4340346371,4340346371,1735689600012345,True,True\n',
    );
    expect(layout.format).toBe('binance-aggTrades');
    expect(layout.hasHeader).toBe(true);
    expect(layout.width).toBe(8);
    expect(layout.timeField).toBe(5);
    expect(layout.sideField).toBe(6);
  });

  it('reads 6-column trades with a header (futures)', () => {
    const layout = layoutOf('id,price,qty,quote_qty,time,is_buyer_maker\n1519849581,46216.9,0.010,462.169,1640995200018,true\n');
    expect(layout.kind).toBe('trades');
    expect(layout.format).toBe('binance-trades');
    expect(layout.hasHeader).toBe(true);
    expect(layout.width).toBe(6);
    expect(layout.timeField).toBe(4);
    expect(layout.fields).toMatchObject({ id: 0, price: 1, qty: 2, time: 4 });
    expect(layout.sideField).toBe(5);
    expect(layout.sideEncoding).toBe('is_buyer_maker');
  });

  it('reads 6-column trades without a header', () => {
    const layout = layoutOf('1519849581,46216.9,0.010,462.169,1640995200018,true\n');
    expect(layout.format).toBe('binance-trades');
    expect(layout.hasHeader).toBe(false);
    expect(layout.width).toBe(6);
    expect(layout.timeField).toBe(4);
    expect(layout.sideField).toBe(5);
  });

  it('reads 7-column trades without a header (spot) and does not mistake them for aggTrades', () => {
    const layout = layoutOf('4340346371,93576.00000000,0.00512000,479.10912000,1735689600012345,True,True\n');
    expect(layout.kind).toBe('trades');
    expect(layout.format).toBe('binance-trades');
    expect(layout.hasHeader).toBe(false);
    expect(layout.width).toBe(7);
    expect(layout.timeField).toBe(4);
    expect(layout.fields).toMatchObject({ id: 0, price: 1, qty: 2, time: 4 });
    expect(layout.sideField).toBe(5);
  });

  it('reads 7-column trades with a header', () => {
    const layout = layoutOf(
      'id,price,qty,quote_qty,time,is_buyer_maker,is_best_match\n4340346371,93576.0,0.00512,479.10912,1735689600012345,True,True\n',
    );
    expect(layout.format).toBe('binance-trades');
    expect(layout.hasHeader).toBe(true);
    expect(layout.timeField).toBe(4);
    expect(layout.sideField).toBe(5);
  });
});

describe('detectLayout: generic files', () => {
  it('reads pandas candles whose time is the unnamed first column', () => {
    const layout = layoutOf(',Open,High,Low,Close,Volume\n2004-08-19,100.00,104.06,95.96,100.34,22351900\n');
    expect(layout.kind).toBe('candles');
    expect(layout.format).toBe('generic-candles');
    expect(layout.hasHeader).toBe(true);
    expect(layout.width).toBe(6);
    expect(layout.timeField).toBe(0);
    expect(layout.timeIsText).toBe(true);
    expect(layout.fields).toMatchObject({ openTime: 0, open: 1, high: 2, low: 3, close: 4, volume: 5, closeTime: -1, quoteVolume: -1 });
  });

  it('reads generic candles with a named time column in any case and position', () => {
    const layout = layoutOf('Open,High,Low,Close,Date\n1.5,2,1,1.75,1640995200\n');
    expect(layout.format).toBe('generic-candles');
    expect(layout.timeField).toBe(4);
    expect(layout.timeIsText).toBe(false);
    expect(layout.fields).toMatchObject({ open: 0, high: 1, low: 2, close: 3, volume: -1 });
  });

  it('reads freqtrade trades (timestamp,id,side,price,amount,cost)', () => {
    const layout = layoutOf('timestamp,id,side,price,amount,cost\n1640995200047,2079829480,buy,46210.9,0.003,138.6327\n');
    expect(layout.kind).toBe('trades');
    expect(layout.format).toBe('generic-trades');
    expect(layout.timeField).toBe(0);
    expect(layout.timeIsText).toBe(false);
    expect(layout.fields).toMatchObject({ time: 0, id: 1, price: 3, qty: 4 });
    expect(layout.sideField).toBe(2);
    expect(layout.sideEncoding).toBe('side');
  });

  it("reads the orderflow layout with 'timestamp' (index 1) as the time, not the index or 'date'", () => {
    const layout = layoutOf(
      ',timestamp,id,type,side,price,amount,cost,date\n' +
        '0,1640995200047,2079829480,,buy,46210.9,0.003,138.6327,2022-01-01 00:00:00.047000+00:00\n',
    );
    expect(layout.kind).toBe('trades');
    expect(layout.format).toBe('generic-trades');
    expect(layout.hasHeader).toBe(true);
    expect(layout.width).toBe(9);
    expect(layout.timeField).toBe(1);
    expect(layout.columnNames[layout.timeField]).toBe('timestamp');
    expect(layout.timeIsText).toBe(false);
    expect(layout.fields).toMatchObject({ time: 1, id: 2, price: 5, qty: 6 });
    expect(layout.sideField).toBe(4);
    expect(layout.sideEncoding).toBe('side');
  });

  it('does not read a trade id column holding text', () => {
    const layout = layoutOf('timestamp,id,price,amount\n1640995200047,a1b2-c3,46210.9,0.003\n');
    expect(layout.kind).toBe('trades');
    expect(layout.fields.id).toBe(-1);
    expect(layoutOf('timestamp,id,price,amount\n1640995200047,17,46210.9,0.003\n').fields.id).toBe(1);
  });

  it('reads headerless time,open,high,low,close,volume', () => {
    const layout = layoutOf('1640995200,46216.93,46731.39,46208.37,46656.13,1503.33095\n');
    expect(layout.kind).toBe('candles');
    expect(layout.format).toBe('generic-candles');
    expect(layout.hasHeader).toBe(false);
    expect(layout.width).toBe(6);
    expect(layout.fields).toMatchObject({ openTime: 0, open: 1, high: 2, low: 3, close: 4, volume: 5 });
  });

  it('reads headerless time,open,high,low,close without volume', () => {
    const layout = layoutOf('1640995200,46216.93,46731.39,46208.37,46656.13\n');
    expect(layout.format).toBe('generic-candles');
    expect(layout.width).toBe(5);
    expect(layout.fields.volume).toBe(-1);
  });

  it('treats a first cell holding an ISO date as data, not a header', () => {
    const layout = layoutOf('2024-01-01 00:00:00,100,101,99,100.5,12\n');
    expect(layout.hasHeader).toBe(false);
    expect(layout.kind).toBe('candles');
  });

  it('notices double quotes (no fast mode)', () => {
    expect(layoutOf('"timestamp","price","amount"\n1640995200047,46210.9,0.003\n').quoted).toBe(true);
  });

  it('lets the caller insist on a kind', () => {
    expect(() => layoutOf(`${KLINE_ROW}\n`, 'trades')).toThrow(DataError);
    expect(layoutOf(`${KLINE_ROW}\n`, 'candles').kind).toBe('candles');
  });
});

describe('detectLayout: errors', () => {
  it('rejects an empty file', () => {
    expect(errorOf(Buffer.alloc(0), 0).reason).toMatch(/empty/);
    expect(errorOf('\n\n\n').reason).toMatch(/empty/);
  });

  it('recognises zip and gzip archives by their magic bytes', () => {
    const zip = errorOf(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00]));
    expect(zip.reason).toMatch(/zip archive/);
    expect(zip.location.file).toBe('data/x.csv');
    expect(errorOf(Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00])).reason).toMatch(/gzip/);
  });

  it('rejects a binary file with NUL bytes', () => {
    expect(errorOf(Buffer.from('1640995200000,1,2\u0000\u0000,3\n', 'latin1')).reason).toMatch(/NUL/);
  });

  it('rejects a semicolon-separated file and names the line', () => {
    const error = errorOf('open_time;open;high;low;close\n1640995200000;1;2;0.5;1.5\n');
    expect(error.reason).toMatch(/semicolon/);
    expect(error.location.line).toBe(1);
    expect(error.location.value).toBe('open_time;open;high;low;close');
  });

  it('rejects semicolon-separated files with decimal commas', () => {
    const withHeader = errorOf('Date;Open;High;Low;Close;Volume\n2024-01-01;100,5;101,0;99,5;100,0;12,5\n');
    expect(withHeader.reason).toMatch(/semicolon/);
    // Every number has a decimal comma: as many commas as semicolons.
    const headerless = errorOf('2024-01-01;100,5;101,0;99,5;100,0;12,5\n2024-01-02;100,5;101,0;99,5;100,0;12,5\n');
    expect(headerless.reason).toMatch(/semicolon/);
    const epoch = errorOf('1704067200000;100,5;101,0;99,5;100,0\n1704067260000;100,5;101,0;99,5;100,0\n');
    expect(epoch.reason).toMatch(/semicolon/);
  });

  it('rejects a header without data rows', () => {
    const error = errorOf(`${KLINE_HEADER}\n`);
    expect(error.reason).toMatch(/header but no data rows/);
    expect(error.location.line).toBe(1);
  });

  it('rejects an unknown width without a header', () => {
    const error = errorOf('1640995200000,1,2,3\n');
    expect(error.reason).toMatch(/unrecognised layout of 4 column/);
    expect(error.location.line).toBe(1);
    expect(error.location.value).toBe('1640995200000,1,2,3');
    expect(errorOf('1,2,3,4,5,6,7,8,9,10\n').reason).toMatch(/10 column/);
  });

  it('rejects a header that names neither candles nor trades', () => {
    expect(errorOf('foo,bar,baz\n1,2,3\n').reason).toMatch(/neither candles/);
  });

  it('names the missing one of open, high, low, close', () => {
    const error = errorOf('timestamp,open,high,low\n1640995200000,1,2,0.5\n');
    expect(error.reason).toBe("missing column 'close' in the header");
    expect(error.location.line).toBe(1);
  });

  it('rejects candles without a time column', () => {
    expect(errorOf('open,high,low,close\n1,2,0.5,1.5\n').reason).toMatch(/missing time column/);
  });
});

describe('parseFileName', () => {
  it('reads a monthly kline file name', () => {
    const info = parseFileName('data/BTCUSDT-1h-2022-01.csv');
    expect(info.symbol).toBe('BTCUSDT');
    expect(info.kind).toBe('candles');
    expect(info.interval).toEqual({ name: '1h', ms: 3_600_000, isMonthly: false });
    expect(info.period).toBe('2022-01');
    expect(info.aggregated).toBeUndefined();
  });

  it('reads a daily aggTrades file name', () => {
    expect(parseFileName('/tmp/x/BTCUSDT-aggTrades-2026-09-15.csv')).toEqual({
      symbol: 'BTCUSDT',
      period: '2026-09-15',
      kind: 'trades',
      aggregated: true,
    });
  });

  it('reads freqtrade-style names without a period', () => {
    const candles = parseFileName('XRP_ETH-1m.csv');
    expect(candles.symbol).toBe('XRP_ETH');
    expect(candles.kind).toBe('candles');
    expect(candles.interval?.name).toBe('1m');
    expect(candles.period).toBeUndefined();
    expect(parseFileName('XRP_ETH-trades.csv')).toEqual({ symbol: 'XRP_ETH', kind: 'trades', aggregated: false });
  });

  it('reads a monthly interval and tells it from minutes', () => {
    expect(parseFileName('BTCUSDT-1M-2022-01.csv').interval?.isMonthly).toBe(true);
    expect(parseFileName('BTCUSDT-1m-2022-01.csv').interval?.isMonthly).toBe(false);
  });

  it('says nothing about other names', () => {
    expect(parseFileName('predictions.csv')).toEqual({});
    expect(parseFileName('BTCUSDT-1h-2022-01.zip')).toEqual({});
    expect(parseFileName('prices.csv')).toEqual({});
  });
});
