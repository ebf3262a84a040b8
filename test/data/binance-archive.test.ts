/** Which files of Binance's archive a download needs, where they are, and how their checksums read. */
import { describe, expect, it } from 'vitest';
import { archiveFile, archiveUrl, checkArchiveRequest, parseChecksum, planMonths, type ArchiveRequest } from '../../src/data/binance-archive.js';
import { InputError } from '../../src/data/errors.js';

const NOW = Date.parse('2024-03-15T10:00:00Z');

function request(overrides: Partial<Parameters<typeof checkArchiveRequest>[0]> = {}): ArchiveRequest {
  return checkArchiveRequest({ market: 'spot', symbol: 'BTCUSDT', interval: '1h', from: '2024-01', to: '2024-02', trades: false, nowMs: NOW, ...overrides });
}

function refusal(overrides: Partial<Parameters<typeof checkArchiveRequest>[0]>): string {
  try {
    request(overrides);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(overrides)}`);
}

describe('archive paths', () => {
  it('puts spot and USD-M futures klines and aggTrades where data.binance.vision has them', () => {
    const spot = request();
    const um = request({ market: 'um' });
    expect(archiveFile(spot, 'klines', '2024-01').path).toBe('data/spot/monthly/klines/BTCUSDT/1h/BTCUSDT-1h-2024-01.zip');
    expect(archiveFile(spot, 'klines', '2024-03-05').path).toBe('data/spot/daily/klines/BTCUSDT/1h/BTCUSDT-1h-2024-03-05.zip');
    expect(archiveFile(spot, 'aggTrades', '2024-01').path).toBe('data/spot/monthly/aggTrades/BTCUSDT/BTCUSDT-aggTrades-2024-01.zip');
    expect(archiveFile(um, 'klines', '2024-01').path).toBe('data/futures/um/monthly/klines/BTCUSDT/1h/BTCUSDT-1h-2024-01.zip');
    expect(archiveFile(um, 'aggTrades', '2024-03-14').path).toBe('data/futures/um/daily/aggTrades/BTCUSDT/BTCUSDT-aggTrades-2024-03-14.zip');
    const file = archiveFile(spot, 'klines', '2024-01');
    expect(file).toMatchObject({ kind: 'klines', cadence: 'monthly', period: '2024-01', name: 'BTCUSDT-1h-2024-01' });
    expect(archiveUrl('https://data.binance.vision/', file, '.CHECKSUM')).toBe(
      'https://data.binance.vision/data/spot/monthly/klines/BTCUSDT/1h/BTCUSDT-1h-2024-01.zip.CHECKSUM',
    );
  });
});

describe('planMonths', () => {
  it('takes monthly archives for months that are over, with their days as the way round', () => {
    const plans = planMonths(request({ from: '2023-12', to: '2024-02' }));
    expect(plans.map((p) => [p.kind, p.month, p.monthly?.name, p.days.length, p.lastComplete])).toEqual([
      ['klines', '2023-12', 'BTCUSDT-1h-2023-12', 31, false],
      ['klines', '2024-01', 'BTCUSDT-1h-2024-01', 31, false],
      ['klines', '2024-02', 'BTCUSDT-1h-2024-02', 29, true], // 2024 is a leap year; the last month that is over
    ]);
    expect(plans[2]!.days.at(-1)!.name).toBe('BTCUSDT-1h-2024-02-29');
  });

  it('takes the days of the current month up to yesterday (UTC), and nothing of it on the 1st', () => {
    const plans = planMonths(request({ from: '2024-02', to: '2024-03', trades: true }));
    expect(plans.map((p) => [p.kind, p.month, p.monthly === undefined ? 'days' : 'monthly', p.days.length])).toEqual([
      ['klines', '2024-02', 'monthly', 29],
      ['klines', '2024-03', 'days', 14],
      ['aggTrades', '2024-02', 'monthly', 29],
      ['aggTrades', '2024-03', 'days', 14],
    ]);
    expect(plans[1]!.days.map((d) => d.period)).toEqual(Array.from({ length: 14 }, (_, i) => `2024-03-${String(i + 1).padStart(2, '0')}`));
    // Just before midnight of the 1st, the 1st is not over; just after, it is.
    const first = Date.parse('2024-03-01T23:59:59Z');
    expect(planMonths(request({ from: '2024-02', to: '2024-03', nowMs: first })).map((p) => p.month)).toEqual(['2024-02']);
    const second = Date.parse('2024-03-02T00:00:00Z');
    expect(planMonths(request({ from: '2024-03', to: '2024-03', nowMs: second }))[0]!.days.map((d) => d.name)).toEqual(['BTCUSDT-1h-2024-03-01']);
  });

  it('has no daily way round for 3d and 1w klines, but keeps it for their aggTrades', () => {
    const plans = planMonths(request({ interval: '1w', trades: true }));
    expect(plans.map((p) => [p.kind, p.month, p.days.length])).toEqual([
      ['klines', '2024-01', 0],
      ['klines', '2024-02', 0],
      ['aggTrades', '2024-01', 31],
      ['aggTrades', '2024-02', 29],
    ]);
  });
});

describe('checkArchiveRequest', () => {
  it('accepts usdm for um, and a lower-case symbol', () => {
    expect(request({ market: 'usdm', symbol: ' ethusdt ' })).toMatchObject({ market: 'um', symbol: 'ETHUSDT' });
    expect(request({ symbol: '1000PEPEUSDT' }).symbol).toBe('1000PEPEUSDT');
  });

  it('refuses bad months, an order the wrong way round, and the future', () => {
    expect(refusal({ from: '2024-1' })).toBe("--from '2024-1' is not a month written YYYY-MM (e.g. 2024-01)");
    expect(refusal({ to: '2024-13' })).toBe("--to '2024-13' is not a month written YYYY-MM (e.g. 2024-01)");
    expect(refusal({ from: '2024-01-05' })).toMatch(/^--from '2024-01-05' is not a month/);
    expect(refusal({ from: '2016-12' })).toBe("--from 2016-12 is before Binance's archive begins (2017)");
    expect(refusal({ from: '2024-02', to: '2024-01' })).toBe('--from 2024-02 is after --to 2024-01');
    expect(refusal({ to: '2024-04' })).toBe('--to 2024-04 is in the future (it is 2024-03 now, UTC)');
    expect(refusal({ from: '2024-03', to: '2024-03', nowMs: Date.parse('2024-03-01T12:00:00Z') })).toMatch(/no day of 2024-03 is over yet/);
  });

  it('refuses intervals the archive does not have, per market', () => {
    expect(refusal({ interval: '7m' })).toBe("--interval '7m': not an interval of the archive; one of 1s, 1m, 3m, 5m, 15m, 30m, 1h, 2h, 4h, 6h, 8h, 12h, 1d, 3d, 1w");
    expect(refusal({ interval: '1s', market: 'um' })).toMatch(/^--interval '1s': USD-M futures have no 1s klines; one of 1m,/);
    expect(refusal({ interval: '1M' })).toMatch(/monthly candles are not downloaded/);
    expect(refusal({ interval: '3d', to: '2024-03' })).toBe(
      '--to 2024-03: 2024-03 is not over, and 3d klines are published only as monthly archives; use --to 2024-02',
    );
    expect(request({ interval: '1s' }).interval).toBe('1s');
  });

  it('refuses symbols that are not Binance symbols, saying how to write them', () => {
    expect(refusal({ symbol: 'BTC/USDT' })).toBe(
      "--symbol 'BTC/USDT' is not a Binance symbol (capital letters and digits); write it as Binance does, without a separator: BTCUSDT",
    );
    expect(refusal({ symbol: 'BTC USDT' })).toMatch(/is not a Binance symbol .*e\.g\. BTCUSDT/);
    expect(refusal({ symbol: '../etc' })).toMatch(/is not a Binance symbol/);
    expect(refusal({ market: 'coin' })).toBe("--market 'coin' is not spot or um (usdm)");
  });
});

describe('parseChecksum', () => {
  const hex = 'a'.repeat(22) + '0123456789ABCDEF0123456789abcdef0123456789';
  it('reads sha256sum lines, and refuses other text or another file', () => {
    expect(parseChecksum(`${hex}  BTCUSDT-1h-2024-01.zip\n`, 'BTCUSDT-1h-2024-01.zip', 'x')).toBe(hex.toLowerCase());
    expect(parseChecksum(`${hex} *BTCUSDT-1h-2024-01.zip\r\n`, 'BTCUSDT-1h-2024-01.zip', 'x')).toBe(hex.toLowerCase());
    expect(parseChecksum(hex, 'BTCUSDT-1h-2024-01.zip', 'x')).toBe(hex.toLowerCase());
    expect(() => parseChecksum('<html>Captive portal</html>', 'a.zip', 'http://h/a.zip.CHECKSUM')).toThrow(
      'http://h/a.zip.CHECKSUM: not a SHA-256 checksum file (it begins "<html>Captive portal</html>")',
    );
    expect(() => parseChecksum(`${hex}  BTCUSDT-1h-2024-02.zip`, 'BTCUSDT-1h-2024-01.zip', 'c')).toThrow(
      'c: the checksum is for BTCUSDT-1h-2024-02.zip, not BTCUSDT-1h-2024-01.zip',
    );
  });
});
