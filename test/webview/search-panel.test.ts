import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostToPanel } from '../../protocol/src/panel-messages.js';
import type { CandidateSummary, RunEvent } from '../../protocol/src/run-events.js';
import { formatBytes, formatCount, formatMs, formatPercent } from '../../webview/src/format.js';
import { kneeIds, kneeOf } from '../../webview/src/selectors.js';
import { launchChromium } from '../harness/chromium.js';
import { generateRunStream } from '../support/run-stream.js';
import {
  buildWebview,
  debug,
  openPanel,
  posted,
  rendered,
  send,
  servePanel,
  violations,
  type OpenedPanel,
  type PageGlobals,
} from './vscode-host.js';

/**
 * The search panel in Chromium, under the CSP of `panelHtml`, fed the recorded run the way the
 * extension host feeds it (a reset, then batches of events). One browser for the file.
 */
const root = join(__dirname, '../..');
const out = join(root, 'test-results/webview');
const events: RunEvent[] = readFileSync(join(root, 'test/fixtures/runs/mnist-300.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as RunEvent);
const finished = events.flatMap((e) => (e.type === 'candidate-finished' ? [e.candidate] : []));
const byId = new Map(finished.map((c) => [c.id, c]));
const lastFront = events.flatMap((e) => (e.type === 'front' ? [e] : [])).at(-1);
const frontIds = [...(lastFront?.ids ?? [])].sort((a, b) => a - b);
const frontMembers = frontIds.map((id) => byId.get(id) as CandidateSummary);
const kneeOnRam = kneeOf(
  staircase(frontMembers, 'ram').map((id) => ({
    id,
    x: byId.get(id)!.resources.ram,
    y: byId.get(id)!.error!,
  })),
);

const batches = (list: readonly RunEvent[], size: number): HostToPanel[] => {
  const out: HostToPanel[] = [];
  for (let i = 0; i < list.length; i += size) out.push({ type: 'events', events: list.slice(i, i + size) });
  return out;
};
const feed = (page: Page, list: readonly RunEvent[] = events, run = 'mnist-300') =>
  send(page, [{ type: 'reset', run, loading: true }, ...batches(list, 100)]);

let browser: Browser;
let context: BrowserContext;
const metrics: Record<string, number> = {};

beforeAll(async () => {
  mkdirSync(out, { recursive: true });
  const [built, launched] = await Promise.all([buildWebview(), launchChromium()]);
  browser = launched;
  metrics.bundleJsBytes = built.jsBytes;
  metrics.bundleCssBytes = built.cssBytes;
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  await servePanel(context, built.dir);
});

afterAll(async () => {
  await browser?.close();
  writeFileSync(join(out, 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');
});

/** No CSP violation, no console error or warning, no exception. */
async function expectClean(panel: OpenedPanel): Promise<void> {
  expect(await violations(panel.page)).toEqual([]);
  expect(panel.errors).toEqual([]);
}

describe('search panel (Chromium, strict CSP)', () => {
  let panel: OpenedPanel;
  let page: Page;

  it('starts with a loading state and says it is ready', async () => {
    panel = await openPanel(context, 'light');
    page = panel.page;
    expect(await posted(page)).toEqual([{ type: 'ready' }]);
    await send(page, [{ type: 'reset', run: 'mnist-300', loading: true }]);
    const d = await debug(page);
    expect(d.loading).toBe(true);
    expect(d.progress.loading).toBe(true);
    expect(d.progress.text).toContain('Loading');
    expect(await page.locator('vscode-progress-ring').isVisible()).toBe(true);
    await page.screenshot({ path: join(out, 'panel-loading.png') });
    await expectClean(panel);
  });

  it('shows a run in progress: what trains now, rate and ETA', async () => {
    const cut = events.findIndex((e, i) => i > 700 && e.type === 'epoch');
    await send(page, batches(events.slice(0, cut + 1), 100));
    const d = await debug(page);
    const slot = events[cut] as Extract<RunEvent, { type: 'epoch' }>;
    expect(d.loading).toBe(false);
    expect(d.progress.training).toContain(slot.id);
    expect(d.progress.text).toContain(`#${slot.id} on worker`);
    expect(d.progress.text).toContain(`epoch ${slot.epoch}/${slot.epochs} · loss ${slot.loss.toFixed(3)}`);
    expect(d.progress.text).toMatch(/running/);
    expect(d.progress.text).toMatch(/ETA\d+ (h|min)/);
    expect(d.progress.text).toMatch(/Rate\d+ \/ hour/);
    // On a queue (`unas search --queue`): the connected workers and what each trains now.
    const workers: RunEvent = {
      type: 'workers',
      workers: [{ id: 'gpu-1:4242', backend: 'tensorflow', concurrency: 2, jobs: [slot.id], other: 1 }],
    };
    await send(page, [{ type: 'events', events: [workers] }]);
    expect((await debug(page)).progress.text).toContain(
      `gpu-1:4242 · tensorflow · 2/2 busy · training #${slot.id} · 1 of another search`,
    );
    await page.screenshot({ path: join(out, 'panel-live-light.png') });
    await send(page, batches(events.slice(cut + 1), 100));
    await expectClean(panel);
  });

  it('plots the recorded run: datasets, front, step line, constraint lines', async () => {
    const d = await debug(page);
    const frontSet = new Set(frontIds);
    const trained = finished.filter((c) => c.error !== undefined);
    expect(d.candidates).toBe(300);
    expect(d.pareto.axis).toBe('ram');
    expect(d.pareto.datasets).toEqual({
      feasible: trained.filter((c) => c.feasible && !frontSet.has(c.id)).length,
      infeasible: finished.filter((c) => !c.feasible).length,
      front: frontIds.length,
      step: staircase(
        frontIds.map((id) => byId.get(id) as CandidateSummary),
        'ram',
      ).length,
      knee: kneeOnRam === undefined ? 0 : 1,
      selected: 0,
    });
    expect(d.pareto.knee).toBe(kneeOnRam);
    expect(d.pareto.datasets.infeasible).toBeGreaterThan(10);
    expect(d.pareto.front).toEqual(frontIds);
    expect(d.pareto.step).toEqual(
      staircase(
        frontIds.map((id) => byId.get(id) as CandidateSummary),
        'ram',
      ),
    );

    // Constraint lines: ram ≤ 8 KB (vertical) and error ≤ 3% (horizontal), where the scales put them.
    const { area, scales } = d.pareto;
    const [x, y] = d.pareto.constraints;
    expect(x).toMatchObject({ axis: 'x', value: 8192 });
    expect(y).toMatchObject({ axis: 'y', value: 0.03 });
    expect(x?.pixel).toBeCloseTo(
      area.left + ((8192 - scales.x[0]) / (scales.x[1] - scales.x[0])) * (area.right - area.left),
      0,
    );
    expect(y?.pixel).toBeCloseTo(
      area.bottom - ((0.03 - scales.y[0]) / (scales.y[1] - scales.y[0])) * (area.bottom - area.top),
      0,
    );

    expect(d.history.hypervolume).toBeGreaterThan(10);
    expect(d.history.lastHypervolume).toBe(lastFront?.hypervolume);
    expect(d.history.lastBestAccuracy).toBeCloseTo(
      1 - Math.min(...trained.filter((c) => c.feasible).map((c) => c.error as number)),
      6,
    );
    expect(d.progress.text).toContain('300 / 300');
    expect(d.progress.text).toContain('wasm · 2 workers');
    expect(d.progress.loading).toBe(false);
    await expectClean(panel);
  });

  it('shows the first page of the table, and sorts by a column', async () => {
    let t = (await debug(page)).table;
    expect(t.rows).toBe(50);
    expect(t.pages).toBe(6);
    expect(t.ids).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(
      await page.locator('table.candidates tbody tr:not([hidden])').first().locator('td').allTextContents(),
    ).toEqual(cells(byId.get(0) as CandidateSummary));

    const byError = [...finished]
      .sort((a, b) => (a.error ?? Infinity) - (b.error ?? Infinity) || a.id - b.id)
      .map((c) => c.id);
    await page.locator('th button[data-key="error"]').click();
    await rendered(page);
    t = (await debug(page)).table;
    expect(t.sort).toEqual({ key: 'error', dir: 'asc' });
    expect(t.ids).toEqual(byError.slice(0, 50));
    expect(await page.locator('th[aria-sort="ascending"]').textContent()).toContain('Error');

    await page.locator('th button[data-key="error"]').click();
    await rendered(page);
    t = (await debug(page)).table;
    const trainedDesc = finished
      .filter((c) => c.error !== undefined)
      .sort((a, b) => (b.error as number) - (a.error as number) || a.id - b.id)
      .map((c) => c.id);
    expect(t.ids).toEqual(trainedDesc.slice(0, 50));

    await page.locator('vscode-button.page-next').click();
    await rendered(page);
    expect((await debug(page)).table).toMatchObject({ page: 1, ids: trainedDesc.slice(50, 100) });
    await page.locator('th button[data-key="id"]').click();
    await rendered(page);
    expect((await debug(page)).table).toMatchObject({ page: 0, sort: { key: 'id', dir: 'asc' } });
  });

  let chosen: number;

  it('selects a candidate by clicking its point: details, and a select message', async () => {
    await page.locator('section.pareto canvas').scrollIntoViewIfNeeded();
    chosen = await isolatedFrontPoint(page);
    const at = await page.evaluate(
      (id) => (globalThis as unknown as PageGlobals).__unasPanel.pointPosition(id),
      chosen,
    );
    if (!at) throw new Error('no point');
    await page.mouse.move(at.x, at.y);
    await page.waitForFunction(
      (id) => (globalThis as unknown as PageGlobals).__unasPanel.debug().pareto.tooltip.includes(id),
      chosen,
    );
    await page.mouse.click(at.x, at.y);
    // Chart.js handles canvas events on the next animation frame.
    await page.waitForFunction(
      (id) => (globalThis as unknown as PageGlobals).__unasPanel.debug().selected === id,
      chosen,
    );
    await rendered(page);
    const d = await debug(page);
    const c = byId.get(chosen) as CandidateSummary;
    expect(d.selected).toBe(chosen);
    expect(d.details).toEqual({
      id: chosen,
      layers: c.layers.map((l) => l.name),
      curve: c.curve?.length ?? 0,
    });
    expect(d.pareto.datasets.selected).toBe(1);
    expect(await posted(page)).toContainEqual({ type: 'select', id: chosen });
    expect(await page.locator('section.details h2').textContent()).toBe(`Candidate #${chosen}`);
    const layerRows = page.locator('table.layers tbody tr');
    expect(await layerRows.count()).toBe(c.layers.length);
    expect(await layerRows.first().locator('td').first().textContent()).toBe(c.layers[0]?.name);
    // The table jumped to the page holding it, and highlights it.
    expect(d.table.ids).toContain(chosen);
    expect(await page.locator(`table.candidates tr.selected[data-id="${chosen}"]`).count()).toBe(1);
  });

  it('posts the actions: open as model, export, re-train', async () => {
    await page.locator('vscode-button', { hasText: 'Open as model' }).click();
    await page.locator('vscode-button', { hasText: 'Export' }).click();
    await page.locator('vscode-button', { hasText: 'Re-train longer' }).click();
    const c = byId.get(chosen) as CandidateSummary;
    const epochs = Math.max(10, 2 * (c.curve?.length ?? 0));
    expect((await posted(page)).slice(-3)).toEqual([
      { type: 'open-as-model', id: chosen },
      { type: 'export', id: chosen, format: 'tflite' },
      { type: 'retrain', id: chosen, epochs, warm: false },
    ]);
    // "from kept weights" asks for a fine-tune of the weights kept for the candidate.
    const warm = page.locator('vscode-checkbox.warm-checkbox');
    expect(await warm.getAttribute('title')).toMatch(/^Fine-tune the weights kept for this candidate/);
    await warm.click();
    await page.locator('vscode-button', { hasText: 'Re-train longer' }).click();
    expect((await posted(page)).at(-1)).toEqual({ type: 'retrain', id: chosen, epochs, warm: true });
    await warm.click();
  });

  it('switches the resource axis from the dropdown', async () => {
    await page.locator('vscode-single-select.axis-select').click();
    await page
      .locator('vscode-single-select.axis-select')
      .getByRole('option', { name: 'Flash', exact: true })
      .click();
    await rendered(page);
    const d = await debug(page);
    expect(d.pareto.axis).toBe('flash');
    expect(d.pareto.constraints[0]).toMatchObject({ axis: 'x', value: 16384 });
    expect(d.pareto.step).toEqual(
      staircase(
        frontIds.map((id) => byId.get(id) as CandidateSummary),
        'flash',
      ),
    );
    await page.mouse.move(5, 5);
  });

  it('looks right in the light and dark themes', async () => {
    await rendered(page);
    await page.screenshot({ path: join(out, 'panel-light.png'), fullPage: true });
    await page.locator('section.pareto').screenshot({ path: join(out, 'pareto-light.png') });
    const before = (await debug(page)).theme;
    expect(before).toMatchObject({ kind: 'light', blue: '#1a85ff' });
    await page.evaluate(() => (globalThis as unknown as PageGlobals).__host.setTheme('dark'));
    await page.waitForFunction(
      () => (globalThis as unknown as PageGlobals).__unasPanel.debug().theme.kind === 'dark',
    );
    await rendered(page);
    expect((await debug(page)).theme).toMatchObject({ kind: 'dark', blue: '#3794ff', foreground: '#cccccc' });
    await page.screenshot({ path: join(out, 'panel-dark.png'), fullPage: true });
    await page.locator('section.pareto').screenshot({ path: join(out, 'pareto-dark.png') });
    await page.locator('section.details').screenshot({ path: join(out, 'details-dark.png') });
    await expectClean(panel);
  });

  it('chooses from the front: filter, knees, parallel coordinates, side-by-side comparison', async () => {
    // Knees: one per resource objective of the run, marked in the table and drawn in the explorer.
    const knees = kneeIds(frontMembers, ['ram', 'flash', 'macs']);
    expect(knees.length).toBeGreaterThan(0);
    let d = await debug(page);
    expect(d.explorer.axes).toEqual(['error', 'ram', 'flash', 'macs']);
    expect([...d.explorer.lines].sort((a, b) => a - b)).toEqual(
      [...new Set([...frontIds, chosen])].sort((a, b) => a - b),
    );
    expect([...d.explorer.knees].sort((a, b) => a - b)).toEqual(knees);
    expect(await page.locator('svg.parallel polyline.pc-knee').count()).toBe(knees.length);

    // Filter the table to feasible candidates.
    await page.locator('vscode-single-select.filter-select').click();
    await page
      .locator('vscode-single-select.filter-select')
      .getByRole('option', { name: 'Feasible', exact: true })
      .click();
    await rendered(page);
    d = await debug(page);
    const feasible = finished.filter((c) => c.status === 'trained' && c.feasible).length;
    expect(d.table.pages).toBe(Math.ceil(feasible / 50));
    expect(d.table.ids.every((id) => byId.get(id)!.feasible)).toBe(true);
    expect(await page.locator('section.table-card vscode-badge').textContent()).toBe(`${feasible} of 300`);

    // Pin the selected candidate, then select a knee by clicking its line: side by side.
    await page.locator('vscode-button', { hasText: 'Pin to compare' }).click();
    const knee = knees.find((k) => k !== chosen)!;
    await page.locator(`svg.parallel polyline[data-id="${knee}"]`).dispatchEvent('click');
    await rendered(page);
    d = await debug(page);
    expect(d.selected).toBe(knee);
    expect(d.compare.ids).toEqual([knee, chosen]);
    const error = d.compare.rows.find((r) => r[0] === 'Validation error')!;
    const a = byId.get(knee)!.error!;
    const b = byId.get(chosen)!.error!;
    expect(error).toEqual([
      'Validation error',
      formatPercent(a),
      formatPercent(b),
      a < b ? 'a' : b < a ? 'b' : '=',
    ]);
    expect(await page.locator('section.compare td.better').count()).toBeGreaterThan(0);
    await page.locator('section.compare').screenshot({ path: join(out, 'compare.png') });
    await page.locator('section.explorer').screenshot({ path: join(out, 'explorer.png') });

    // Back to where the next test expects the panel: the chosen candidate, all candidates, nothing pinned.
    await page.locator('vscode-button', { hasText: 'Unpin' }).click();
    await page.locator('vscode-single-select.filter-select').click();
    await page
      .locator('vscode-single-select.filter-select')
      .getByRole('option', { name: 'All candidates', exact: true })
      .click();
    await page.locator(`svg.parallel polyline[data-id="${chosen}"]`).dispatchEvent('click');
    await rendered(page);
    d = await debug(page);
    expect(d.compare.ids).toEqual([]);
    expect(d.selected).toBe(chosen);
    await expectClean(panel);
  });

  it('comes back after a reload with the saved selection and axis', async () => {
    await page.reload();
    await page.waitForFunction(() => '__unasPanel' in globalThis);
    let d = await debug(page);
    expect(d.selected).toBe(chosen);
    expect(d.pareto.axis).toBe('flash');
    expect(d.details.id).toBeUndefined();
    expect(await posted(page)).toEqual([{ type: 'ready' }]);
    await feed(page);
    d = await debug(page);
    expect(d.details.id).toBe(chosen);
    expect(d.pareto.axis).toBe('flash');
    expect(d.pareto.datasets.selected).toBe(1);
    expect(d.table.ids).toContain(chosen);
    expect(
      await page
        .locator('vscode-single-select.axis-select')
        .evaluate((el) => (el as unknown as { value: string }).value),
    ).toBe('flash');
    await expectClean(panel);
    await page.close();
  });

  it('runs under a CSP that is really enforced (control: an inline script and an inline style are refused)', async () => {
    const p = await openPanel(context, 'light');
    const result = await p.page.evaluate(() => {
      const g = globalThis as unknown as {
        document: {
          createElement(t: string): { textContent: string; setAttribute(n: string, v: string): void };
          body: { append(n: unknown): void };
        };
        injected?: boolean;
      };
      const script = g.document.createElement('script');
      script.textContent = 'globalThis.injected = true';
      g.document.body.append(script);
      const div = g.document.createElement('div');
      div.setAttribute('style', 'color: red');
      g.document.body.append(div);
      return { injected: g.injected === true };
    });
    expect(result).toEqual({ injected: false });
    await p.page.waitForFunction(() => (globalThis as unknown as PageGlobals).__host.violations.length >= 2);
    const seen = await violations(p.page);
    expect(seen.some((v) => v.startsWith('script-src-elem inline'))).toBe(true);
    expect(seen.some((v) => v.startsWith('style-src-attr inline'))).toBe(true);
    await p.page.close();
  });

  it('renders 5,000 candidates with a bounded DOM and stays responsive', async () => {
    const big = generateRunStream({ candidates: 5000, run: 'mnist-5000' });
    const p = await openPanel(context, 'dark');
    // Streamed as a live run is: 200 events a message, a render after each (timed in the page).
    const timing = await p.page.evaluate(
      async (json) => {
        const g = globalThis as unknown as PageGlobals & { performance: { now(): number } };
        const messages = JSON.parse(json) as HostToPanel[];
        const t0 = g.performance.now();
        let renderMs = 0;
        let lastRenderMs = 0;
        for (const m of messages) {
          g.__host.send([m]);
          await g.__unasPanel.rendered();
          lastRenderMs = g.__unasPanel.debug().renderMs;
          renderMs += lastRenderMs;
        }
        return {
          ms: g.performance.now() - t0,
          renderMs,
          lastRenderMs,
          renders: g.__unasPanel.debug().renders,
        };
      },
      JSON.stringify([{ type: 'reset', run: 'mnist-5000', loading: true }, ...batches(big, 200)]),
    );
    metrics.stream5000Ms = Math.round(timing.ms);
    metrics.stream5000Renders = timing.renders;
    metrics.stream5000RenderMsTotal = Math.round(timing.renderMs);
    metrics.render5000LastMs = Math.round(timing.lastRenderMs);
    // All at once (a reloaded panel getting the whole run back): one fold, one render.
    metrics.replay5000Ms = await p.page.evaluate(
      async (json) => {
        const g = globalThis as unknown as PageGlobals & { performance: { now(): number } };
        const t0 = g.performance.now();
        g.__host.send(JSON.parse(json) as HostToPanel[]);
        await g.__unasPanel.rendered();
        return Math.round(g.performance.now() - t0);
      },
      JSON.stringify([
        { type: 'reset', run: 'mnist-5000', loading: true },
        { type: 'events', events: big },
      ]),
    );
    metrics.replay5000RenderMs = Math.round((await debug(p.page)).renderMs);
    const d = await debug(p.page);
    expect(d.candidates).toBe(5000);
    expect(d.table.rows).toBe(50);
    expect(d.table.domRows).toBeLessThanOrEqual(200);
    expect(await p.page.locator('tr').count()).toBeLessThanOrEqual(200);
    const plotted = d.pareto.datasets.feasible + d.pareto.datasets.infeasible + d.pareto.datasets.front;
    expect(plotted).toBe(
      big.filter(
        (e) => e.type === 'candidate-finished' && (e.candidate.error !== undefined || !e.candidate.feasible),
      ).length,
    );
    // Responsive: a sort of 5,000 rows and a page change are answered within the next frames.
    const t1 = Date.now();
    await p.page.locator('th button[data-key="macs"]').click();
    await rendered(p.page);
    metrics.sort5000Ms = Date.now() - t1;
    expect((await debug(p.page)).table.sort).toEqual({ key: 'macs', dir: 'asc' });
    await p.page.screenshot({ path: join(out, 'panel-5000-dark.png'), fullPage: true });
    await expectClean(p);
    await p.page.close();
  });
});

/** The (x, error) staircase of candidates, as the plot's step line should join them. */
function staircase(cands: readonly CandidateSummary[], axis: 'ram' | 'flash'): number[] {
  const sorted = [...cands].sort(
    (a, b) =>
      a.resources[axis] - b.resources[axis] || (a.error as number) - (b.error as number) || a.id - b.id,
  );
  const ids: number[] = [];
  let best = Infinity;
  for (const c of sorted) {
    if ((c.error as number) < best) {
      ids.push(c.id);
      best = c.error as number;
    }
  }
  return ids;
}

function cells(c: CandidateSummary): string[] {
  return [
    String(c.id),
    c.status,
    c.error === undefined ? '—' : formatPercent(c.error),
    formatBytes(c.resources.ram),
    formatBytes(c.resources.flash),
    formatCount(c.resources.macs),
    formatMs(c.resources.latency),
    c.feasible ? 'yes' : 'no',
  ];
}

/** A front member whose point is at least 10 px from every other plotted point (a click hits only it). */
async function isolatedFrontPoint(page: Page): Promise<number> {
  const positions = await page.evaluate(
    (ids) => {
      const hook = (globalThis as unknown as PageGlobals).__unasPanel;
      return ids.map((id) => ({ id, at: hook.pointPosition(id) }));
    },
    finished.map((c) => c.id),
  );
  const points = positions.flatMap((p) => (p.at ? [{ id: p.id, ...p.at }] : []));
  const front = new Set(frontIds);
  const pick = points.find(
    (p) => front.has(p.id) && points.every((q) => q.id === p.id || Math.hypot(q.x - p.x, q.y - p.y) >= 10),
  );
  if (!pick) throw new Error('no isolated front point');
  return pick.id;
}
