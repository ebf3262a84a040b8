/** Placeholder until the HTML report lands (branch html). */
import type { AbReport } from './report-model.js';
import { renderAbMarkdown } from './report-md.js';

export function renderAbHtml(report: AbReport): string {
  return `<!doctype html><meta charset="utf-8"><pre>${renderAbMarkdown(report).replace(/&/g, '&amp;').replace(/</g, '&lt;')}</pre>`;
}
