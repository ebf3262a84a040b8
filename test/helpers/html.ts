/** Reading generated HTML in tests. */
import { expect } from 'vitest';

/** The markup of the element `<tag … id="id" …>…</tag>` (no nesting of the same tag inside). */
export function element(page: string, tag: string, id: string): string {
  const at = page.indexOf(` id="${id}"`);
  expect(at, `#${id} is on the page`).toBeGreaterThan(-1);
  const start = page.lastIndexOf(`<${tag} `, at);
  const end = page.indexOf(`</${tag}>`, start);
  return page.slice(start, end + tag.length + 3);
}

/** How many times `pattern` (global) matches `text`. */
export const count = (text: string, pattern: RegExp) => text.match(pattern)?.length ?? 0;
