import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import * as esbuild from 'esbuild';
import type { BrowserContext, Page } from 'playwright-core';
import { panelHtml } from '../../client/src/panel/html.js';
import type { HostToPanel, PanelToHost } from '../../protocol/src/panel-messages.js';
import type { PanelDebug, PanelTestHook } from '../../webview/src/test-hook.js';

/**
 * What VS Code does around a webview, for the browser tests: serves the page made by `panelHtml`
 * (the real CSP) and the bundle from a fake origin, provides `acquireVsCodeApi` (messages captured,
 * state kept in sessionStorage so a reload finds it, as VS Code keeps it across a reload), sets the
 * theme as VS Code does (a class on <body>, the colours as variables in the style of <html>), and
 * records CSP violations.
 */

export const ORIGIN = 'https://webview.test';
const root = join(__dirname, '../..');

/** Builds the webview bundle as esbuild.mjs does (minified, as packaged) into test-results. */
export async function buildWebview(
  outdir = join(root, 'test-results/webview/dist'),
): Promise<{ dir: string; jsBytes: number; cssBytes: number }> {
  mkdirSync(outdir, { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    minify: true,
    logLevel: 'silent',
    entryPoints: { webview: 'webview/src/main.ts' },
    outdir,
    metafile: true,
  });
  const size = (ext: string) =>
    Object.entries(result.metafile.outputs).find(([f]) => f.endsWith(ext))?.[1].bytes ?? 0;
  return { dir: outdir, jsBytes: size('.js'), cssBytes: size('.css') };
}

export type ThemeName = 'light' | 'dark';

/** Variables as VS Code's Light Modern and Dark Modern themes set them (the ones the panel and vscode-elements read). */
export const THEMES: Record<ThemeName, { bodyClass: string; vars: Record<string, string> }> = {
  light: {
    bodyClass: 'vscode-light',
    vars: {
      'font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
      'font-weight': 'normal',
      'font-size': '13px',
      'editor-font-family': '"Droid Sans Mono", "monospace", monospace',
      'editor-font-size': '13px',
      foreground: '#3b3b3b',
      descriptionForeground: '#717171',
      errorForeground: '#f85149',
      focusBorder: '#005fb8',
      'editor-background': '#ffffff',
      'editor-foreground': '#3b3b3b',
      'sideBar-background': '#f8f8f8',
      'widget-border': '#e5e5e5',
      'panel-border': '#e5e5e5',
      'charts-foreground': '#616161',
      'charts-lines': '#61616180',
      'charts-red': '#e51400',
      'charts-blue': '#1a85ff',
      'charts-yellow': '#bf8803',
      'charts-orange': '#d18616',
      'charts-green': '#388a34',
      'charts-purple': '#652d90',
      'badge-background': '#cccccc',
      'badge-foreground': '#3b3b3b',
      'button-background': '#005fb8',
      'button-foreground': '#ffffff',
      'button-hoverBackground': '#0258a8',
      'button-border': '#0000001a',
      'button-secondaryBackground': '#e5e5e5',
      'button-secondaryForeground': '#3b3b3b',
      'button-secondaryHoverBackground': '#cccccc',
      'dropdown-background': '#ffffff',
      'dropdown-border': '#cecece',
      'dropdown-foreground': '#3b3b3b',
      'settings-dropdownBackground': '#ffffff',
      'settings-dropdownBorder': '#cecece',
      'settings-dropdownForeground': '#3b3b3b',
      'settings-dropdownListBorder': '#c8c8c8',
      'settings-textInputBackground': '#ffffff',
      'settings-textInputBorder': '#cecece',
      'settings-textInputForeground': '#3b3b3b',
      'input-background': '#ffffff',
      'input-border': '#cecece',
      'input-foreground': '#3b3b3b',
      'list-activeSelectionBackground': '#e8e8e8',
      'list-activeSelectionForeground': '#000000',
      'list-hoverBackground': '#f2f2f2',
      'list-focusOutline': '#005fb8',
      'progressBar-background': '#005fb8',
      'textLink-foreground': '#005fb8',
      'textLink-activeForeground': '#005fb8',
      'textCodeBlock-background': '#f8f8f8',
      'editorHoverWidget-background': '#f8f8f8',
      'editorHoverWidget-foreground': '#3b3b3b',
      'editorHoverWidget-border': '#c8c8c8',
      'editorWarning-foreground': '#bf8803',
      'tree-tableColumnsBorder': '#61616120',
      'icon-foreground': '#3b3b3b',
    },
  },
  dark: {
    bodyClass: 'vscode-dark',
    vars: {
      'font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
      'font-weight': 'normal',
      'font-size': '13px',
      'editor-font-family': '"Droid Sans Mono", "monospace", monospace',
      'editor-font-size': '13px',
      foreground: '#cccccc',
      descriptionForeground: '#9d9d9d',
      errorForeground: '#f85149',
      focusBorder: '#0078d4',
      'editor-background': '#1f1f1f',
      'editor-foreground': '#cccccc',
      'sideBar-background': '#181818',
      'widget-border': '#313131',
      'panel-border': '#2b2b2b',
      'charts-foreground': '#cccccc',
      'charts-lines': '#cccccc80',
      'charts-red': '#f14c4c',
      'charts-blue': '#3794ff',
      'charts-yellow': '#cca700',
      'charts-orange': '#d18616',
      'charts-green': '#89d185',
      'charts-purple': '#b180d7',
      'badge-background': '#616161',
      'badge-foreground': '#f8f8f8',
      'button-background': '#0078d4',
      'button-foreground': '#ffffff',
      'button-hoverBackground': '#026ec1',
      'button-border': '#ffffff12',
      'button-secondaryBackground': '#313131',
      'button-secondaryForeground': '#cccccc',
      'button-secondaryHoverBackground': '#3c3c3c',
      'dropdown-background': '#313131',
      'dropdown-border': '#3c3c3c',
      'dropdown-foreground': '#cccccc',
      'settings-dropdownBackground': '#313131',
      'settings-dropdownBorder': '#3c3c3c',
      'settings-dropdownForeground': '#cccccc',
      'settings-dropdownListBorder': '#454545',
      'settings-textInputBackground': '#313131',
      'settings-textInputBorder': '#3c3c3c',
      'settings-textInputForeground': '#cccccc',
      'input-background': '#313131',
      'input-border': '#3c3c3c',
      'input-foreground': '#cccccc',
      'list-activeSelectionBackground': '#04395e',
      'list-activeSelectionForeground': '#ffffff',
      'list-hoverBackground': '#2a2d2e',
      'list-focusOutline': '#0078d4',
      'progressBar-background': '#0078d4',
      'textLink-foreground': '#4daafc',
      'textLink-activeForeground': '#4daafc',
      'textCodeBlock-background': '#2b2b2b',
      'editorHoverWidget-background': '#202020',
      'editorHoverWidget-foreground': '#cccccc',
      'editorHoverWidget-border': '#454545',
      'editorWarning-foreground': '#cca700',
      'tree-tableColumnsBorder': '#cccccc20',
      'icon-foreground': '#cccccc',
    },
  },
};

/** Runs in the page before its own scripts (CDP, so outside the page's CSP). */
function initScript(theme: ThemeName): string {
  return `(() => {
  const themes = ${JSON.stringify(THEMES)};
  const posted = [];
  const violations = [];
  document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));
  // The page's elements do not exist yet when this runs: apply the theme once <body> does.
  const setTheme = (name) => {
    const t = themes[name];
    const apply = () => {
      for (const [k, v] of Object.entries(t.vars)) document.documentElement.style.setProperty('--vscode-' + k, v);
      document.body.classList.remove('vscode-light', 'vscode-dark', 'vscode-high-contrast');
      document.body.classList.add(t.bodyClass);
      document.body.dataset.vscodeThemeKind = t.bodyClass;
    };
    if (document.body) apply();
    else new MutationObserver((_, o) => { if (document.body) { o.disconnect(); apply(); } }).observe(document, { childList: true, subtree: true });
  };
  setTheme(${JSON.stringify(theme)});
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
    acquired = true;
    return Object.freeze({
      postMessage: (m) => posted.push(JSON.parse(JSON.stringify(m))),
      getState: () => { const s = sessionStorage.getItem('vscode-state'); return s === null ? undefined : JSON.parse(s); },
      setState: (s) => { sessionStorage.setItem('vscode-state', JSON.stringify(s)); return s; },
    });
  };
  window.__host = Object.freeze({
    posted, violations, setTheme,
    send: (messages) => { for (const m of messages) window.dispatchEvent(new MessageEvent('message', { data: m })); },
  });
})();`;
}

/** What the tests read in the page (its globals, typed without the DOM library). */
export interface PageGlobals {
  readonly __unasPanel: PanelTestHook;
  readonly __host: {
    readonly posted: PanelToHost[];
    readonly violations: string[];
    setTheme(name: ThemeName): void;
    send(messages: readonly HostToPanel[]): void;
  };
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.ttf': 'font/ttf',
  '.html': 'text/html',
  '.map': 'application/json',
};

/** Serves the panel page and its files from ORIGIN in this browser context. */
export async function servePanel(context: BrowserContext, distDir: string): Promise<void> {
  const codicons = join(root, 'node_modules/@vscode/codicons/dist');
  await context.route(`${ORIGIN}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/index.html') {
      // A fresh nonce per load, as the panel host makes one per page.
      const body = panelHtml({
        cspSource: ORIGIN,
        nonce: randomBytes(16).toString('base64'),
        scriptUri: `${ORIGIN}/dist/webview.js`,
        styleUri: `${ORIGIN}/dist/webview.css`,
        ...(existsSync(codicons) ? { codiconsUri: `${ORIGIN}/codicons/codicon.css` } : {}),
      });
      return route.fulfill({ status: 200, contentType: TYPES['.html'], body });
    }
    const file = path.startsWith('/dist/')
      ? join(distDir, path.slice(6))
      : path.startsWith('/codicons/')
        ? join(codicons, path.slice(10))
        : undefined;
    if (!file || !existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({
      status: 200,
      contentType: TYPES[extname(file)] ?? 'application/octet-stream',
      body: readFileSync(file),
    });
  });
}

export interface OpenedPanel {
  readonly page: Page;
  /** Console errors and uncaught exceptions. */
  readonly errors: string[];
}

export async function openPanel(context: BrowserContext, theme: ThemeName): Promise<OpenedPanel> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.addInitScript(initScript(theme));
  await page.goto(`${ORIGIN}/index.html`);
  await page.waitForFunction(() => '__unasPanel' in globalThis);
  return { page, errors };
}

/** Posts host messages to the panel (in batches, as the host does) and waits for the next render. */
export async function send(page: Page, messages: readonly HostToPanel[]): Promise<void> {
  // As one JSON string: Playwright serialises a large object graph far slower than a string.
  await page.evaluate(
    (json) => (globalThis as unknown as PageGlobals).__host.send(JSON.parse(json) as HostToPanel[]),
    JSON.stringify(messages),
  );
  await rendered(page);
}

export async function rendered(page: Page): Promise<number> {
  return page.evaluate(() => (globalThis as unknown as PageGlobals).__unasPanel.rendered());
}

export async function debug(page: Page): Promise<PanelDebug> {
  return page.evaluate(() => (globalThis as unknown as PageGlobals).__unasPanel.debug());
}

export async function posted(page: Page): Promise<PanelToHost[]> {
  return page.evaluate(() => (globalThis as unknown as PageGlobals).__host.posted.slice());
}

export async function violations(page: Page): Promise<string[]> {
  return page.evaluate(() => (globalThis as unknown as PageGlobals).__host.violations.slice());
}
