/** Safe HTML: what the `html` tag escapes, what it passes through, and how it joins. */
import { describe, expect, it } from 'vitest';
import { SafeHtml, escapeHtml, html, joinHtml, trustedHtml } from '../../src/reports/html.js';

describe('escapeHtml', () => {
  it('escapes the five characters that matter in text and quoted attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('leaves other text, accents and symbols alone', () => {
    expect(escapeHtml('P(B > A) ≥ 0.5 — Sharpe ∞ café')).toBe('P(B &gt; A) ≥ 0.5 — Sharpe ∞ café');
  });
});

describe('html template tag', () => {
  it('escapes interpolated strings, in text and in attributes', () => {
    const error = '<script>alert("x")</script>';
    const name = '" onmouseover="alert(1)';
    expect(html`<td title="${name}">${error}</td>`.text).toBe(
      '<td title="&quot; onmouseover=&quot;alert(1)">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</td>',
    );
  });

  it('passes SafeHtml through, prints numbers, and nothing for null, undefined and false', () => {
    const inner = html`<b>${'a&b'}</b>`;
    expect(html`<p>${inner}${1.5}${null}${undefined}${false}${0}</p>`.text).toBe('<p><b>a&amp;b</b>1.50</p>');
  });

  it('joins arrays, escaping strings and keeping fragments', () => {
    expect(html`<ul>${['<x>', html`<li>y</li>`]}</ul>`.text).toBe('<ul>&lt;x&gt;<li>y</li></ul>');
  });

  it('returns a SafeHtml whose string form is its text', () => {
    const fragment = html`<i>${'k'}</i>`;
    expect(fragment).toBeInstanceOf(SafeHtml);
    expect(`${fragment}`).toBe('<i>k</i>');
  });
});

describe('joinHtml and trustedHtml', () => {
  it('joins with an HTML separator', () => {
    expect(joinHtml(['a<', html`<br>`, 'b'], html`<hr>`).text).toBe('a&lt;<hr><br><hr>b');
  });

  it('trusts only what it is given explicitly', () => {
    expect(html`${trustedHtml('<style>p{}</style>')}`.text).toBe('<style>p{}</style>');
  });
});
