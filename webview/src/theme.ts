/**
 * Colours come from VS Code's CSS variables (set on <html>; the theme kind is a class on <body>).
 * Canvas charts cannot use CSS variables, so the values are read into a `Theme` and read again when
 * the theme changes.
 */
export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

export interface Theme {
  readonly kind: ThemeKind;
  readonly foreground: string;
  readonly muted: string;
  readonly background: string;
  readonly grid: string;
  readonly blue: string;
  readonly red: string;
  readonly green: string;
  readonly yellow: string;
  readonly orange: string;
  readonly purple: string;
  readonly tooltipBackground: string;
  readonly tooltipForeground: string;
  readonly tooltipBorder: string;
  readonly fontFamily: string;
  readonly fontSize: number;
}

/** Used outside VS Code (or for a variable a theme leaves out): VS Code's Dark Modern values. */
const FALLBACK: Readonly<Record<string, string>> = {
  '--vscode-foreground': '#cccccc',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-editor-background': '#1f1f1f',
  '--vscode-charts-lines': '#cccccc80',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-red': '#f14c4c',
  '--vscode-charts-green': '#89d185',
  '--vscode-charts-yellow': '#cca700',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-purple': '#b180d7',
  '--vscode-editorHoverWidget-background': '#202020',
  '--vscode-editorHoverWidget-foreground': '#cccccc',
  '--vscode-editorHoverWidget-border': '#454545',
  '--vscode-font-family': 'system-ui, sans-serif',
  '--vscode-font-size': '13px',
};

export function themeKind(body: HTMLElement): ThemeKind {
  const c = body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  if (c.contains('vscode-light')) return 'light';
  return 'dark';
}

export function readTheme(doc: Document = document): Theme {
  const style = getComputedStyle(doc.body);
  const v = (name: string): string => style.getPropertyValue(name).trim() || (FALLBACK[name] ?? '');
  return {
    kind: themeKind(doc.body),
    foreground: v('--vscode-foreground'),
    muted: v('--vscode-descriptionForeground'),
    background: v('--vscode-editor-background'),
    grid: v('--vscode-charts-lines'),
    blue: v('--vscode-charts-blue'),
    red: v('--vscode-charts-red'),
    green: v('--vscode-charts-green'),
    yellow: v('--vscode-charts-yellow'),
    orange: v('--vscode-charts-orange'),
    purple: v('--vscode-charts-purple'),
    tooltipBackground: v('--vscode-editorHoverWidget-background'),
    tooltipForeground: v('--vscode-editorHoverWidget-foreground'),
    tooltipBorder: v('--vscode-editorHoverWidget-border'),
    fontFamily: v('--vscode-font-family'),
    fontSize: parseFloat(v('--vscode-font-size')) || 13,
  };
}

/**
 * Calls `onChange` (once per frame at most) when VS Code switches themes: it changes the class of
 * <body> and the variables in the style of <html>. Returns a function that stops watching.
 */
export function watchTheme(onChange: () => void, doc: Document = document): () => void {
  let queued = false;
  const observer = new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      onChange();
    });
  });
  observer.observe(doc.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(doc.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  return () => observer.disconnect();
}
