/** The page shell: a complete document that allows nothing from outside the file. */
import { describe, expect, it } from 'vitest';
import { html } from '../../src/reports/html.js';
import { renderPage } from '../../src/reports/page.js';

describe('renderPage', () => {
  const page = renderPage({ title: 'A/B <x>', body: html`<h1>${'hi'}</h1>`, css: '.extra { color: red; }' });

  it('is a complete UTF-8 document with the CSS inline and the title escaped', () => {
    expect(page.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(page).toContain('<meta charset="utf-8">');
    expect(page).toContain('<title>A/B &lt;x&gt;</title>');
    expect(page).toContain('.extra { color: red; }');
    expect(page).toContain('<h1>hi</h1>');
    expect(page.trimEnd().endsWith('</html>')).toBe(true);
  });

  it('its Content-Security-Policy allows no network and, without a script of its own, no script', () => {
    expect(page).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"`);
    expect(page).not.toContain('<script');
    expect(page).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('allows its own inline script when it brings one', () => {
    const withScript = renderPage({ title: 't', body: html``, script: 'document.body.dataset.ready = "1";' });
    expect(withScript).toContain("script-src 'unsafe-inline'");
    expect(withScript).toContain('<script>document.body.dataset.ready = "1";</script>');
  });
});
