/**
 * HTML built safely: `html` is a template tag that escapes every interpolated string and number
 * and passes through only what is already `SafeHtml` (built by `html` itself, or trusted on
 * purpose with `trustedHtml`). A report's strings (dataset names, run errors, the command line)
 * can therefore hold `<script>` and still print as text. SVG is built the same way.
 */

/** A fragment of HTML that may be inserted as is. */
export class SafeHtml {
  constructor(readonly text: string) {}

  toString(): string {
    return this.text;
  }
}

/** What `html` accepts between `${}`: `null`, `undefined` and `false` print nothing; arrays are joined. */
export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes the five characters that matter in text and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return (value as readonly HtmlValue[]).map(render).join('');
  return escapeHtml(String(value));
}

/** The template tag: `html\`<td>${name}</td>\`` escapes `name`. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new SafeHtml(out);
}

/** Text the caller vouches for (the page's own CSS, markup built here): not escaped. */
export function trustedHtml(text: string): SafeHtml {
  return new SafeHtml(text);
}

/** Fragments joined with a separator (itself HTML, e.g. `html\`<br>\``). */
export function joinHtml(parts: readonly HtmlValue[], separator: HtmlValue = ''): SafeHtml {
  const sep = render(separator);
  return new SafeHtml(parts.map(render).join(sep));
}
