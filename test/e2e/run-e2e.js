// End-to-end test of the μNAS extension (.vsix) in code-server, driven by playwright-core with
// Debian's chromium. Started by scripts/e2e.sh (which installs code-server, the vsix and the
// workspace); standalone:
//   CS_URL=http://127.0.0.1:PORT WS_DIR=/ws/with/mnist.unas+tiny.unas SHOTS=test-results/e2e \
//   PW_DIR=node_modules/playwright-core node test/e2e/run-e2e.js
// Adapted from an offline code-server recipe's smoke test (selectors, nested webview iframes,
// Problems panel).
//
// Tests (each one is reported; the summary is in SHOTS/results.json):
//   1. the extension activates on a .unas file (language mode, no error on the valid example)
//   2. a typed error (`ram <= 2 kb`) is squiggled and listed in the Problems panel
//   3. inlay hints show the estimates of model lenet_tiny (per layer and for the model)
//   4. "μNAS: Start Search" from the command palette opens the search panel
//   5. the panel's Pareto plot gets ≥ 1 point and the run finishes
//   6. no candidate of the tiny search fails to train
//   7. the explorer's "μNAS Runs" view lists the run as done
// Screenshots: editor-estimates.png (a), problems.png, search-panel.png (b), failure-*.png.
/* global window, setTimeout, URL */
'use strict';
const path = require('path');
const fs = require('fs');

const { chromium } = require(process.env.PW_DIR || 'playwright-core');

const CS_URL = process.env.CS_URL || 'http://127.0.0.1:8765';
const WS_DIR = process.env.WS_DIR;
const SHOTS = process.env.SHOTS || path.join(process.cwd(), 'test-results', 'e2e');
const PROFILE_ROOT = process.env.CHROME_PROFILE_ROOT || require('os').tmpdir();
const STEP_TIMEOUT = Number(process.env.STEP_TIMEOUT_MS || 30000);
const SEARCH_TIMEOUT = Number(process.env.SEARCH_TIMEOUT_MS || 150000);

const t0 = Date.now();
const log = (...a) => console.log(`[e2e +${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const tests = [];
const facts = {};

/** Runs one test; a failure is recorded (with a screenshot) and the next test still runs. */
async function test(name, page, fn) {
  const start = Date.now();
  try {
    const detail = await fn();
    tests.push({ name, ok: true, ms: Date.now() - start, ...(detail !== undefined ? { detail } : {}) });
    log(`PASS ${name}${detail !== undefined ? ` — ${JSON.stringify(detail)}` : ''}`);
    return true;
  } catch (e) {
    const error = String((e && e.message) || e)
      .split('\n')
      .slice(0, 6)
      .join('\n');
    tests.push({ name, ok: false, ms: Date.now() - start, error });
    log(`FAIL ${name}: ${error}`);
    await page.screenshot({ path: path.join(SHOTS, `failure-${tests.length}.png`) }).catch(() => {});
    return false;
  }
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

async function main() {
  assert(WS_DIR, 'WS_DIR is required (folder with mnist.unas and tiny.unas)');
  fs.mkdirSync(SHOTS, { recursive: true });
  const profile = fs.mkdtempSync(path.join(PROFILE_ROOT, 'chrome-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1400, height: 900 },
  });
  context.setDefaultTimeout(STEP_TIMEOUT);
  // Only loopback traffic; anything else is aborted and listed.
  const external = [];
  await context.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) return route.continue();
    external.push(u.origin);
    return route.abort();
  });
  const page = context.pages()[0] || (await context.newPage());
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message.slice(0, 300)));
  // The panel's own warnings (dropped messages, CSP violations in the webview frames).
  const panelConsole = [];
  page.on('console', (m) => {
    const text = m.text();
    if (
      (m.type() === 'error' || m.type() === 'warning') &&
      /μNAS|Content Security Policy|webview/i.test(text)
    )
      panelConsole.push(`${m.type()}: ${text.slice(0, 300)}`);
  });
  const quickInput = page.locator('.quick-input-widget');
  const editor = page.locator('.editor-group-container.active .monaco-editor').first();
  const shot = (name) => page.screenshot({ path: path.join(SHOTS, name) });

  /** F1, type the title, pick the row whose label is exactly `label`. */
  async function runCommand(label, typed = label) {
    await page.keyboard.press('F1');
    if (
      !(await quickInput.waitFor({ state: 'visible', timeout: 5000 }).then(
        () => true,
        () => false,
      ))
    ) {
      await page.keyboard.press('Escape'); // once more (a webview may have had the focus)
      await page.keyboard.press('F1');
      await quickInput.waitFor({ state: 'visible' });
    }
    await page.keyboard.type(typed);
    const row = quickInput
      .locator('.quick-input-list .monaco-list-row')
      .filter({
        has: page.locator('.label-name', {
          hasText: new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`),
        }),
      })
      .first();
    await row.waitFor();
    await row.click();
    await quickInput.waitFor({ state: 'hidden' });
  }

  async function openFile(name) {
    await page.keyboard.press('Control+P');
    await quickInput.waitFor({ state: 'visible' });
    await page.keyboard.type(name);
    await quickInput.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.tab.active', { hasText: name }).waitFor();
  }

  async function goToLine(n) {
    await page.keyboard.press('Control+G');
    await quickInput.waitFor({ state: 'visible' });
    await page.keyboard.type(String(n));
    await page.keyboard.press('Enter');
    await quickInput.waitFor({ state: 'hidden' });
  }

  /** The text of the visible editor lines, inlay hints included (Monaco renders them as inline text). */
  const visibleLines = () =>
    editor.locator('.view-lines .view-line').evaluateAll((els) =>
      els
        .map((e) => ({ top: parseFloat(e.style.top) || 0, text: e.textContent.replace(/\u00a0/g, ' ') }))
        .sort((a, b) => a.top - b.top)
        .map((l) => l.text),
    );

  // Line numbers in the workspace copy of examples/mnist.unas (the example may change).
  const source = fs.readFileSync(path.join(WS_DIR, 'mnist.unas'), 'utf8').split('\n');
  const lineOf = (re) => source.findIndex((l) => re.test(l)) + 1;
  const L = {
    search: lineOf(/^search\s/),
    ram: lineOf(/^\s*ram\s*<=/),
    space: lineOf(/^\s+space\s*\{/),
    dataset: lineOf(/^\s+dataset\s.*\{\s*$/),
    strategy: lineOf(/^\s+strategy\s.*\{\s*$/),
    train: lineOf(/^\s+train\s*\{\s*$/),
  };
  L.ramValue = (/<=\s*(.*?)\s*$/.exec(source[L.ram - 1] || '') || [])[1] || '';
  assert(L.search && L.ram && L.ramValue, `unexpected mnist.unas: ${JSON.stringify(L)}`);

  try {
    // ---- 0. workbench on the workspace
    await page.goto(`${CS_URL}/?folder=${encodeURIComponent(WS_DIR)}`, { waitUntil: 'domcontentloaded' });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
    await page
      .locator('.explorer-folders-view .monaco-list-row', { hasText: 'mnist.unas' })
      .waitFor({ timeout: 60000 });
    facts.workbenchReadyMs = Date.now() - t0;
    log('workbench ready');

    // ---- 1. activation
    await test('the extension activates on a .unas file', page, async () => {
      await openFile('mnist.unas');
      await editor.locator('.view-lines', { hasText: 'search mnist' }).waitFor();
      const mode = (await page.locator('#status\\.editor\\.mode').innerText()).trim();
      assert(/μNAS/.test(mode), `language mode is "${mode}", expected μNAS`);
      // The language server is up once the search gets its code lens (▶ Start search).
      const lens = (await editor.locator('.codelens-decoration').first().innerText())
        .replace(/\s+/g, ' ')
        .trim();
      await sleep(500);
      const errors = await editor.locator('.squiggly-error').count();
      assert(errors === 0, `examples/mnist.unas shows ${errors} error squiggle(s)`);
      return { languageMode: mode, codeLens: lens };
    });

    // ---- 2. diagnostics: type an error, read it in the editor and in the Problems panel
    await test('a typed error is squiggled and listed in the Problems panel', page, async () => {
      // `ram <= 8 KB` -> `ram <= 2 kb` (README's tour: a unit in the wrong case is an error)
      await goToLine(L.ram);
      await page.keyboard.press('End');
      for (let i = 0; i < L.ramValue.length; i++) await page.keyboard.press('Backspace');
      await page.keyboard.type('2 kb');
      await page.keyboard.press('Escape');
      await editor.locator('.view-lines', { hasText: /ram\s+<=\s+2\s+kb/ }).waitFor(); // Monaco renders spaces as &nbsp;
      await editor.locator('.squiggly-error').first().waitFor();
      await page.keyboard.press('Control+Shift+M');
      const problems = page.locator('.markers-panel');
      await problems.waitFor({ state: 'visible' });
      const row = problems.locator('.monaco-list-row', { hasText: "unknown unit 'kb'" }).first();
      await row.waitFor();
      const text = (await row.innerText()).replace(/\s+/g, ' ').trim();
      assert(text.includes(`Ln ${L.ram},`), `the problem is not on line ${L.ram}: ${text}`);
      await shot('problems.png');
      await page.keyboard.press('Control+J'); // hide the panel again: the editor gets its height back
      await problems.waitFor({ state: 'hidden' });
      return { problem: text };
    });

    // ---- 3. inlay hints of the model
    await test('inlay hints show the estimates of model lenet_tiny', page, async () => {
      // Fold the search's dataset / space / strategy / train blocks: the error and the model fit on one screen.
      for (const line of [L.train, L.strategy, L.space, L.dataset].filter(Boolean)) {
        await goToLine(line);
        await runCommand('Fold');
      }
      await page.keyboard.press('Control+Home');
      for (let i = 1; i < L.search; i++) await page.keyboard.press('Control+ArrowDown'); // scroll: start at `search mnist {`
      await page.keyboard.press('Escape');
      await editor.locator('.view-lines', { hasText: 'model lenet_tiny' }).waitFor();
      let lines = [];
      const deadline = Date.now() + 20000;
      const layerHint = /conv2d 8 k3 s2 relu\s*ram [\d.]+ K?B.*· flash [\d.]+ K?B.*· [\d.]+ K? ?MACs/;
      const modelHint =
        /model lenet_tiny \{\s*peak [\d.]+ K?B · arena [\d.]+ K?B · flash [\d.]+ K?B · [\d.]+ K? ?MACs/;
      while (Date.now() < deadline) {
        lines = await visibleLines();
        if (lines.some((l) => layerHint.test(l)) && lines.some((l) => modelHint.test(l))) break;
        await sleep(250);
      }
      const layer = lines.find((l) => layerHint.test(l));
      const model = lines.find((l) => modelHint.test(l));
      assert(
        layer && model,
        `no inlay hints on the model; visible lines:\n${lines
          .filter((l) => l.trim())
          .slice(-14)
          .join('\n')}`,
      );
      assert((await editor.locator('.squiggly-error').count()) > 0, 'the error squiggle is not on screen');
      // Hover the squiggle: the screenshot shows the diagnostic's message too.
      await page.keyboard.press('Escape');
      const box = await editor.locator('.squiggly-error').first().boundingBox(); // under the text layer: no .hover()
      assert(box, 'the error squiggle has no box');
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2 - 4);
      const hover = page.locator('.monaco-hover:visible', { hasText: "unknown unit 'kb'" }).first();
      await hover.waitFor();
      await sleep(300);
      await shot('editor-estimates.png');
      await page.mouse.move(1300, 880);
      const hintCount = lines.filter((l) => /MACs/.test(l)).length;
      return { model: model.trim(), layer: layer.trim(), linesWithHints: hintCount };
    });

    // ---- 4. start the tiny search from the command palette
    const inner = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    const debug = () => inner.locator('#app').evaluate(() => window.__unasPanel.debug());
    let started = false;
    await test('"μNAS: Start Search" opens the search panel', page, async () => {
      await openFile('tiny.unas');
      await editor.locator('.view-lines', { hasText: 'search tiny' }).waitFor();
      await runCommand('μNAS: Start Search', 'μNAS: Start Search');
      started = true;
      await inner.locator('#app').waitFor({ timeout: 60000 });
      await page.locator('.tab', { hasText: 'μNAS Search' }).waitFor();
      const d = await debug();
      return { loading: d.loading, progress: d.progress.text.slice(0, 80) };
    });

    // ---- 5. points on the plot, run finished
    await test('the Pareto plot gets points and the run finishes', page, async () => {
      assert(started, 'the search was not started');
      const deadline = Date.now() + SEARCH_TIMEOUT;
      let d;
      let state = '';
      let firstPointMs;
      let lastLog = '';
      for (;;) {
        d = await debug().catch(() => undefined);
        state = (
          (await inner
            .locator('.run-state')
            .first()
            .textContent({ timeout: 2000 })
            .catch(() => '')) || ''
        ).trim();
        // The extension says so when the search process dies (the panel may not know).
        const toast = await page
          .locator('.notifications-toasts .notification-list-item-message', { hasText: /μNAS search/ })
          .allInnerTexts()
          .catch(() => []);
        if (toast.length) facts.searchNotification = toast.join(' | ');
        if (toast.some((t) => /failed/.test(t))) break;
        if (d) {
          const points = d.pareto.datasets.feasible + d.pareto.datasets.front;
          if (points > 0 && firstPointMs === undefined) firstPointMs = Date.now() - t0;
          const line = `state=${state || '?'} candidates=${d.candidates} points=${JSON.stringify(d.pareto.datasets)}`;
          if (line !== lastLog) {
            log(line);
            lastLog = line;
          }
          if (state && state !== 'running') break;
        }
        if (Date.now() > deadline) break;
        await sleep(1000);
      }
      assert(d, 'the panel never answered window.__unasPanel.debug()');
      facts.panel = {
        state,
        candidates: d.candidates,
        datasets: d.pareto.datasets,
        front: d.pareto.front,
        progress: d.progress.text,
      };
      facts.firstPointMs = firstPointMs;
      // Trained points only: failed and rejected candidates are drawn too (as "infeasible", on the top edge).
      const points = d.pareto.datasets.feasible + d.pareto.datasets.front;
      assert(
        state === 'finished',
        `the run did not finish (panel state "${state || 'none'}" after ${((Date.now() - t0) / 1000).toFixed(0)} s)${facts.searchNotification ? `; notification: "${facts.searchNotification}"` : ''}; panel says: ${d.progress.text.slice(0, 400)}`,
      );
      assert(
        points >= 1,
        `no trained candidate on the Pareto plot; panel says: ${d.progress.text.slice(0, 400)}`,
      );
      return { state, candidates: d.candidates, datasets: d.pareto.datasets, front: d.pareto.front };
    });

    // ---- 5b. every candidate of the tiny search trains (a failure here is a product bug: the
    //      reasons come from the run's journal, events.jsonl)
    await test('every candidate of the tiny search trains (0 failed)', page, async () => {
      assert(facts.panel, 'the panel was not read');
      const outcome = /(\d+) trained · (\d+) failed · (\d+) rejected/.exec(facts.panel.progress);
      assert(outcome, `no outcome in the panel: ${facts.panel.progress.slice(0, 300)}`);
      const failed = Number(outcome[2]);
      if (failed > 0) {
        const runs = path.join(WS_DIR, '.unas', 'runs');
        const reasons = fs
          .readdirSync(runs)
          .flatMap((r) => fs.readFileSync(path.join(runs, r, 'events.jsonl'), 'utf8').split('\n'))
          .filter(Boolean)
          .map((l) => JSON.parse(l))
          .filter((e) => e.type === 'candidate-finished' && e.candidate.status === 'failed')
          .map((e) => `#${e.candidate.id}: ${e.candidate.failure}`);
        throw new Error(`${failed} candidate(s) failed to train: ${reasons.join('; ')}`);
      }
      return { trained: Number(outcome[1]), rejected: Number(outcome[3]) };
    });

    // Screenshot (b): the panel alone (side bar hidden, the text editors' group closed, no
    // notification toasts), with the most accurate member of the plotted front selected (its
    // details show). Only palette commands while a text editor has the focus, then one click
    // into the webview.
    if (started) {
      await runCommand('Notifications: Clear All Notifications', 'Clear All Notifications').catch(() => {});
      await page
        .locator('.tab', { hasText: 'mnist.unas' })
        .first()
        .click({ timeout: 5000 })
        .catch((e) => log('mnist tab click failed:', e.message));
      await runCommand('File: Revert File', 'Revert File').catch((e) => log('revert failed:', e.message));
      await runCommand(
        'View: Toggle Primary Side Bar Visibility',
        'Toggle Primary Side Bar Visibility',
      ).catch((e) => log('side bar failed:', e.message));
      await runCommand('View: Close All Editors in Group', 'Close All Editors in Group').catch((e) =>
        log('close group failed:', e.message),
      );
      await sleep(1500); // the charts resize
      const best = await debug()
        .then((d) => d.pareto.step.at(-1) ?? d.pareto.front[0])
        .catch(() => undefined);
      const at =
        best !== undefined
          ? await inner
              .locator('#app')
              .evaluate((_, id) => window.__unasPanel.pointPosition(id), best)
              .catch(() => undefined)
          : undefined;
      if (at) {
        await inner
          .locator('html')
          .click({ position: { x: at.x, y: at.y }, timeout: 5000 })
          .catch((e) => log('point click failed:', e.message));
        await sleep(500);
        facts.selected = await debug()
          .then((d) => ({ id: d.selected, layers: d.details.layers.length }))
          .catch(() => undefined);
      }
      await inner
        .locator('#app')
        .evaluate(() => window.__unasPanel.rendered())
        .catch(() => {});
      await page.mouse.move(1390, 890);
      await shot('search-panel.png');
      log('panel screenshot taken');
    }

    // ---- 6. the runs view
    await test('the "μNAS Runs" view lists the run', page, async () => {
      assert(started, 'the search was not started');
      // The activity bar's Explorer (a click: the webview may have the keyboard focus now)
      await page
        .locator(
          '.activitybar .action-item a.codicon-explorer-view-icon, .activitybar .action-item [aria-label^="Explorer"]',
        )
        .first()
        .click();
      const header = page.locator('.pane-header', { hasText: 'μNAS Runs' });
      await header.waitFor();
      if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
      const pane = page.locator('.pane', { has: header });
      const row = pane.locator('.monaco-list-row', { hasText: /tiny-/ }).first();
      await row.waitFor();
      let text = (await row.innerText()).replace(/\s+/g, ' ').trim();
      if (!/done/.test(text)) {
        // the tree refreshes on the controller's change events
        await pane
          .locator('.monaco-list-row', { hasText: /tiny-.*done/ })
          .first()
          .waitFor({ timeout: 10000 })
          .catch(() => {});
        text = (await row.innerText()).replace(/\s+/g, ' ').trim();
      }
      assert(/evaluated/.test(text) && /done/.test(text), `runs view row: "${text}"`);
      await shot('runs-view.png');
      return { row: text };
    });
  } catch (e) {
    tests.push({ name: 'workbench', ok: false, error: String((e && e.message) || e) });
    log('FAIL workbench:', String((e && e.message) || e));
    await shot('failure-workbench.png').catch(() => {});
  } finally {
    facts.blockedExternalOrigins = [...new Set(external)];
    facts.pageErrors = pageErrors.slice(0, 10);
    facts.panelConsole = panelConsole.slice(0, 10);
    facts.totalMs = Date.now() - t0;
    await context.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
  }
  const summary = { tests, facts };
  fs.writeFileSync(path.join(SHOTS, 'results.json'), JSON.stringify(summary, null, 2));
  console.log(JSON.stringify(facts, null, 2));
  const failed = tests.filter((t) => !t.ok).length;
  log(`${tests.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
