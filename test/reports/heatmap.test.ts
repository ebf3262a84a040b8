/** The heatmap table: one cell per value with its text, colours on a diverging scale, labels escaped. */
import { describe, expect, it } from 'vitest';
import { divergingColor, heatmapTable } from '../../src/reports/heatmap.js';

describe('divergingColor', () => {
  it('neutral at 0, blue at +1, red at −1, clamped beyond', () => {
    expect(divergingColor(0)).toBe('#f7f7f7');
    expect(divergingColor(1)).toBe('#2166ac');
    expect(divergingColor(-1)).toBe('#b2182b');
    expect(divergingColor(5)).toBe('#2166ac');
    expect(divergingColor(Number.NaN)).toBe('#f7f7f7');
  });

  it('halfway is between neutral and the end', () => {
    expect(divergingColor(0.5)).toBe('#8cafd2'); // (247 + 33) / 2, (247 + 102) / 2, (247 + 172) / 2
  });
});

describe('heatmapTable', () => {
  const table = (higherIsBetter = true) =>
    heatmapTable({
      caption: 'Sharpe by fee and slippage',
      rowTitle: 'fee',
      columnTitle: 'slippage <bps>',
      rowLabels: ['0.02%', '0.04%'],
      columnLabels: ['0', '5', '10'],
      values: [
        [1.2, 0.6, 0],
        [-0.6, null, Number.POSITIVE_INFINITY],
      ],
      higherIsBetter,
    }).text;

  it('a header row, one row per row label, one cell per value with the value printed', () => {
    const html = table();
    expect(html.match(/<tr>/g)).toHaveLength(3);
    expect(html.match(/<td/g)).toHaveLength(6);
    expect(html).toContain('>1.20</td>');
    expect(html).toContain('>−0.60</td>');
    expect(html).toContain('<th scope="row">0.04%</th>');
    expect(html).toContain('<caption>Sharpe by fee and slippage</caption>');
  });

  it('colours by distance from the centre, scaled to the largest; empty cells grey with "–"', () => {
    const html = table();
    expect(html).toContain('<td style="background:#2166ac;color:#ffffff" title="0.02%, 0: 1.20">1.20</td>');
    expect(html).toContain('<td style="background:#f7f7f7;color:#1f2933" title="0.02%, 10: 0.00">0.00</td>');
    expect(html).toContain(`<td style="background:${divergingColor(-0.5)};color:#1f2933" title="0.04%, 0: −0.60">−0.60</td>`);
    expect(html).toContain('<td class="empty" title="0.04%, 5: –">–</td>');
    expect(html).toContain('<td class="empty" title="0.04%, 10: ∞">∞</td>');
  });

  it('a lower-is-better metric turns the scale around', () => {
    expect(table(false)).toContain(`background:${divergingColor(-1)}`);
    expect(table(false)).toContain('<td style="background:#b2182b;color:#ffffff" title="0.02%, 0: 1.20">1.20</td>');
  });

  it('marks one cell (outlined and bold by the page CSS), with or without a value', () => {
    const marked = (row: number, column: number) =>
      heatmapTable({ caption: 'c', rowTitle: 'r', columnTitle: 'k', rowLabels: ['1', '2'], columnLabels: ['x', 'y'], values: [[1, 2], [3, null]], marked: { row, column } }).text;
    expect(marked(0, 1).match(/class="marked"/g)).toHaveLength(1);
    expect(marked(0, 1)).toContain(`<td class="marked" style="background:${divergingColor(2 / 3)};color:#ffffff" title="1, y: 2.00">2.00</td>`);
    expect(marked(1, 1)).toContain('<td class="empty marked" title="2, y: –">–</td>');
    expect(table()).not.toContain('marked');
  });

  it('escapes labels', () => {
    expect(table()).toContain('slippage &lt;bps&gt;');
    expect(table()).not.toContain('<bps>');
  });
});
