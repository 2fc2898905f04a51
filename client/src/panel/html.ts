/**
 * The search panel's page. Pure: the panel host passes the webview's `cspSource`, a fresh nonce and
 * the `asWebviewUri` of each file. The page holds no data — everything arrives by `postMessage` —
 * and its only script is the bundle, admitted by the nonce. No inline styles, no eval.
 */
export interface PanelHtmlOptions {
  /** `webview.cspSource`. */
  readonly cspSource: string;
  /** A fresh random nonce per page (base64 or base64url, at least 16 characters). */
  readonly nonce: string;
  /** dist/webview.js */
  readonly scriptUri: string;
  /** dist/webview.css */
  readonly styleUri: string;
  /** codicon.css (its font next to it); without it the panel shows no icons. */
  readonly codiconsUri?: string;
  readonly title?: string;
}

const NONCE = /^[A-Za-z0-9+/_-]{16,}={0,2}$/;
/** Host sources such as `https://*.vscode-cdn.net`, or `'self'` (VS Code for the web / code-server): nothing that could end or add a directive. */
const SOURCE = /^(?:'self'|[A-Za-z0-9*.:/_+-]+)$/;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The Content-Security-Policy of the page. Throws on a source or nonce that could widen it. */
export function panelCsp(cspSource: string, nonce: string): string {
  const sources = cspSource.split(/\s+/).filter(Boolean);
  if (sources.length === 0 || !sources.every((s) => SOURCE.test(s)))
    throw new TypeError(`panelHtml: unexpected cspSource '${cspSource}'`);
  if (!NONCE.test(nonce)) throw new TypeError('panelHtml: the nonce must be 16+ base64 characters');
  const src = sources.join(' ');
  return [
    "default-src 'none'",
    `img-src ${src} data:`,
    `style-src ${src}`,
    `font-src ${src}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function panelHtml(options: PanelHtmlOptions): string {
  const { nonce, scriptUri, styleUri, codiconsUri } = options;
  const csp = panelCsp(options.cspSource, nonce);
  const attr = escapeHtml;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${codiconsUri ? `<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${attr(codiconsUri)}">\n` : ''}<link rel="stylesheet" href="${attr(styleUri)}">
<title>${escapeHtml(options.title ?? 'μNAS search')}</title>
</head>
<body>
<main id="app" class="app" aria-busy="true"></main>
<script nonce="${attr(nonce)}" src="${attr(scriptUri)}"></script>
</body>
</html>
`;
}
