/** PSR, MinTRL, DSR and E[max Sharpe], pinned by reference/statistics.md. */
import { describe, expect, it } from 'vitest';
import { standardNormalCdf, standardNormalQuantile } from '../../src/metrics/normal.js';
import {
  deflatedSharpeRatio,
  expectedMaxSharpe,
  minimumTrackRecordLength,
  moments,
  probabilisticSharpeRatio,
} from '../../src/metrics/sharpe-inference.js';

const SAMPLE = { sharpe: 1.14, observations: 250, skewness: 0, kurtosis: 3 };

describe('Bailey & López de Prado', () => {
  it('PSR(1) of SR̂ 1.14 over 250 normal returns', () => {
    expect(probabilisticSharpeRatio(SAMPLE, 1)).toBeCloseTo(0.9572778803, 9);
  });

  it('MinTRL at α 0.05', () => {
    expect(minimumTrackRecordLength(SAMPLE, 1, 0.05)).toBeCloseTo(228.73497911, 7);
    expect(minimumTrackRecordLength(SAMPLE, 2)).toBeNaN();
  });

  it('DSR of three trials', () => {
    const { benchmark, dsr } = deflatedSharpeRatio(SAMPLE, [3.5, 1.01, 1.02]);
    expect(benchmark).toBeCloseTo(0.99901557, 8);
    expect(dsr).toBeCloseTo(0.9583658, 7);
  });

  it('expected maximum Sharpe of N trials with unit variance', () => {
    expect(expectedMaxSharpe(10, 1)).toBeCloseTo(1.5745983, 7);
    expect(expectedMaxSharpe(100, 1)).toBeCloseTo(2.5306029, 7);
    expect(expectedMaxSharpe(1000, 1)).toBeCloseTo(3.2551215, 7);
  });
});

describe('the normal distribution is accurate to 1e-9', () => {
  it('Φ and Φ⁻¹ at known points', () => {
    expect(standardNormalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(standardNormalCdf(1.959963984540054)).toBeCloseTo(0.975, 12);
    expect(standardNormalCdf(0)).toBe(0.5);
  });
});

describe('moments', () => {
  it('skewness 0 and kurtosis 1.7 for [1, 2, 3, 4, 5] (non-excess)', () => {
    const { skewness, kurtosis } = moments([1, 2, 3, 4, 5]);
    expect(skewness).toBeCloseTo(0, 14);
    expect(kurtosis).toBeCloseTo(1.7, 14);
  });
  it('a right-skewed sample has positive skewness', () => {
    expect(moments([0, 0, 0, 0, 10]).skewness).toBeCloseTo(1.5, 12);
  });
});
