/**
 * Opens an HTML report in headless Chromium (playwright-core, the system's Chromium) and checks
 * what a reader would see: no console error, no page error, no dialog, no request leaving the
 * file, every chart drawn with a size, every band and line path with a non-empty `d` and a size.
 *
 * `findChromium()` says where Chromium is (or why there is none), so a test can skip with a
 * reason; `checkReportInBrowser(file)` returns every problem found, so the A/B report of the
 * real CLI can be checked the same way as the test fixture.
 */
import { accessSync, constants } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

/** Where Debian, Ubuntu and Google put Chromium; `CHROMIUM_PATH` comes first when set. */
export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'] as const;

export type ChromiumLookup = { readonly path: string; readonly reason: null } | { readonly path: null; readonly reason: string };

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The Chromium to use: `$CHROMIUM_PATH` if set, else the first executable candidate. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): ChromiumLookup {
  const fromEnv = env.CHROMIUM_PATH;
  if (fromEnv !== undefined && fromEnv !== '') {
    return isExecutable(fromEnv)
      ? { path: fromEnv, reason: null }
      : { path: null, reason: `no Chromium at CHROMIUM_PATH=${fromEnv} (not an executable file)` };
  }
  const found = CHROMIUM_CANDIDATES.find(isExecutable);
  return found === undefined
    ? { path: null, reason: `no Chromium at ${CHROMIUM_CANDIDATES.join(', ')} (apt-get install chromium, or set CHROMIUM_PATH)` }
    : { path: found, reason: null };
}

export interface PathBox {
  readonly className: string;
  readonly series: string | null;
  readonly dLength: number;
  readonly width: number;
  readonly height: number;
}

export interface ChartBox {
  readonly id: string;
  readonly className: string;
  readonly width: number;
  readonly height: number;
  readonly paths: readonly PathBox[];
  readonly dots: number;
}

export interface BrowserCheck {
  /** Everything wrong, one sentence each; empty when the page passed. */
  readonly problems: readonly string[];
  readonly consoleErrors: readonly string[];
  readonly pageErrors: readonly string[];
  readonly dialogs: readonly string[];
  /** Every URL the page requested (the file itself included). */
  readonly requests: readonly string[];
  readonly charts: readonly ChartBox[];
  /** The text of `selectors.verdict`, when visible. */
  readonly verdictText: string | null;
  /** The text of the first `pre.run-error`, if any (to see that an error prints as text). */
  readonly firstRunError: string | null;
  /** How many elements each selector of `options.count` matched. */
  readonly counts: Readonly<Record<string, number>>;
}

export interface CheckOptions {
  /** Ids of the `<svg>` charts that must be on the page (others found are checked too). */
  readonly charts?: readonly string[];
  /** Selector of the element holding the verdict; default `#verdict .verdict-headline`. */
  readonly verdictSelector?: string;
  /** Text the verdict must contain. */
  readonly verdictText?: string;
  /** Chromium to launch; default `findChromium()`. */
  readonly executablePath?: string;
  /** A full-page screenshot written here, if given. */
  readonly screenshot?: string;
  /** CSS selectors whose matches to count (e.g. `table.heatmap td`), returned in `counts`. */
  readonly count?: readonly string[];
}

const LOCAL_URL = /^(file|data|about):/;

/** Opens `file` (an HTML report on disk) over file:// and checks it. */
export async function checkReportInBrowser(file: string, options: CheckOptions = {}): Promise<BrowserCheck> {
  const executablePath = options.executablePath ?? findChromium().path;
  if (executablePath === null) throw new Error(`checkReportInBrowser: ${findChromium().reason ?? 'no Chromium'}`);
  const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  const dialogs: string[] = [];
  const requests: string[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('dialog', (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
    page.on('request', (request) => requests.push(request.url()));
    // Nothing may leave the file: a request to anywhere else is recorded above, then refused.
    await page.route('**/*', (route) => (LOCAL_URL.test(route.request().url()) ? route.continue() : route.abort()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });

    const charts: ChartBox[] = await page.$$eval('svg.chart', (svgs) =>
      svgs.map((svg) => {
        const box = svg.getBoundingClientRect();
        const paths = [...svg.querySelectorAll('path.band, path.line')].map((path) => {
          const b = path.getBoundingClientRect();
          return {
            className: path.getAttribute('class') ?? '',
            series: path.getAttribute('data-series'),
            dLength: (path.getAttribute('d') ?? '').trim().length,
            width: b.width,
            height: b.height,
          };
        });
        return { id: svg.id, className: svg.getAttribute('class') ?? '', width: box.width, height: box.height, paths, dots: svg.querySelectorAll('circle.dot').length };
      }),
    );
    const verdictSelector = options.verdictSelector ?? '#verdict .verdict-headline';
    const verdict = page.locator(verdictSelector).first();
    const verdictText = (await verdict.count()) > 0 && (await verdict.isVisible()) ? (await verdict.innerText()).trim() : null;
    const runError = page.locator('pre.run-error').first();
    const firstRunError = (await runError.count()) > 0 ? await runError.innerText() : null;
    const counts: Record<string, number> = {};
    for (const selector of options.count ?? []) counts[selector] = await page.locator(selector).count();
    if (options.screenshot !== undefined) await page.screenshot({ path: options.screenshot, fullPage: true });

    const problems: string[] = [];
    for (const text of consoleErrors) problems.push(`console error: ${text}`);
    for (const text of pageErrors) problems.push(`page error: ${text}`);
    for (const text of dialogs) problems.push(`dialog opened (a script ran): ${text}`);
    for (const url of requests) if (!LOCAL_URL.test(url)) problems.push(`request leaves the file: ${url}`);
    for (const id of options.charts ?? []) if (!charts.some((c) => c.id === id)) problems.push(`chart #${id} is missing`);
    if (charts.length === 0) problems.push('no svg.chart on the page');
    for (const chart of charts) {
      const name = `chart #${chart.id || '(no id)'}`;
      if (!(chart.width > 0 && chart.height > 0)) problems.push(`${name} has no size (${chart.width}×${chart.height})`);
      if (chart.className.includes('band-chart') && !chart.paths.some((p) => p.className === 'line')) problems.push(`${name} has no line`);
      for (const path of chart.paths) {
        const what = `${name} path.${path.className}[data-series=${path.series ?? '?'}]`;
        if (path.dLength === 0) problems.push(`${what} has an empty d`);
        else if (!(path.width > 0 || path.height > 0)) problems.push(`${what} has no size`);
      }
    }
    if (verdictText === null || verdictText === '') problems.push(`the verdict (${verdictSelector}) is not visible`);
    else if (options.verdictText !== undefined && !verdictText.includes(options.verdictText)) {
      problems.push(`the verdict reads "${verdictText}", expected it to contain "${options.verdictText}"`);
    }
    return { problems, consoleErrors, pageErrors, dialogs, requests, charts, verdictText, firstRunError, counts };
  } finally {
    await browser.close();
  }
}
