import { describe, expect, it } from 'vitest';
import { panelCsp, panelHtml } from '../../../../client/src/panel/html.js';

const options = {
  cspSource: 'https://*.vscode-cdn.net',
  nonce: 'abcDEF0123456789abcDEF0123456789',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js?v=1&x=<y>',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.css',
};

describe('panelHtml', () => {
  it('has a strict CSP: nothing by default, scripts only by nonce, no unsafe-*', () => {
    const html = panelHtml(options);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
    expect(csp).toBe(
      'default-src &#39;none&#39;; img-src https://*.vscode-cdn.net data:; style-src https://*.vscode-cdn.net; font-src https://*.vscode-cdn.net; script-src &#39;nonce-abcDEF0123456789abcDEF0123456789&#39;',
    );
    expect(html).not.toMatch(/unsafe-/);
    expect(panelCsp(options.cspSource, options.nonce)).toContain(
      "script-src 'nonce-abcDEF0123456789abcDEF0123456789'",
    );
  });

  it('has one script, external, with the nonce, and no inline styles or handlers', () => {
    const html = panelHtml(options);
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    expect(scripts[0]?.[1]).toContain(`nonce="${options.nonce}"`);
    expect(scripts[0]?.[1]).toContain(
      'src="https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js?v=1&#38;x=&#60;y&#62;"',
    );
    expect(scripts[0]?.[2]).toBe('');
    expect(html).not.toMatch(/\sstyle=|<style|\son[a-z]+=/i);
    expect(html).toContain(`<link rel="stylesheet" href="${options.styleUri}">`);
    expect(html).not.toContain('vscode-codicon-stylesheet');
  });

  it('links the codicons with the id vscode-elements looks for', () => {
    const html = panelHtml({ ...options, codiconsUri: 'https://x.vscode-cdn.net/codicon.css' });
    expect(html).toContain(
      '<link rel="stylesheet" id="vscode-codicon-stylesheet" href="https://x.vscode-cdn.net/codicon.css">',
    );
  });

  it('escapes everything it is given', () => {
    const html = panelHtml({
      ...options,
      styleUri: '"><script>alert(1)</script>',
      title: '</title><script>x</script>',
    });
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain('&#34;&#62;&#60;script&#62;');
    expect(html).toContain('<title>&#60;/title&#62;&#60;script&#62;x&#60;/script&#62;</title>');
  });

  it('refuses a source or nonce that could widen the policy', () => {
    expect(() => panelHtml({ ...options, cspSource: "https://a; script-src 'unsafe-inline'" })).toThrow(
      /cspSource/,
    );
    expect(() => panelHtml({ ...options, cspSource: '' })).toThrow(/cspSource/);
    expect(() => panelHtml({ ...options, nonce: "x' 'unsafe-eval" })).toThrow(/nonce/);
    expect(() => panelHtml({ ...options, nonce: 'short' })).toThrow(/nonce/);
  });

  it("accepts code-server's cspSource ('self' plus a CDN host)", () => {
    expect(panelCsp("'self' https://*.vscode-cdn.net", 'abcDEF0123456789abcDEF0123456789')).toContain(
      "style-src 'self' https://*.vscode-cdn.net",
    );
    expect(() => panelCsp("'unsafe-inline'", 'abcDEF0123456789abcDEF0123456789')).toThrow();
  });

  it('is pure', () => {
    expect(panelHtml(options)).toBe(panelHtml(options));
  });
});
