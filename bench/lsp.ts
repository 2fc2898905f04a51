import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { generateDocument } from '../test/harness/generate-document.js';
import { buildServer, LspClient } from '../test/harness/lsp-client.js';

export interface LspBenchOptions {
  /** Measured edits (and as many inlay-hint requests of each kind). */
  readonly iterations?: number;
  readonly lines?: number;
}

export function percentiles(samples: readonly number[]): {
  p50: number;
  p95: number;
  min: number;
  max: number;
  n: number;
} {
  const s = [...samples].sort((a, b) => a - b);
  const q = (x: number) => s[Math.min(s.length - 1, Math.max(0, Math.round(x * (s.length - 1))))] ?? NaN;
  const r = (x: number) => Math.round(x * 100) / 100;
  return { p50: r(q(0.5)), p95: r(q(0.95)), min: r(s[0] ?? NaN), max: r(s.at(-1) ?? NaN), n: s.length };
}

/** The server bundle: next to this one in dist/ (`npm run bench` builds both), else built from source. */
export async function serverScript(): Promise<string> {
  const beside = join(__dirname, 'server.js');
  return existsSync(beside) && __dirname.endsWith('dist') ? beside : buildServer();
}

/**
 * Latency through the real protocol, with a spawned server over stdio, on a generated document of
 * ~500 lines: from a didChange to the publishDiagnostics of that version (diagnostics delay set to
 * 0 ms, so the figure is the work, not the debounce), and of an inlay-hint request for the whole
 * document, right after an edit (analysis included) and on an unchanged version. Goal: p95 < 20 ms.
 */
export async function benchLsp(options: LspBenchOptions = {}): Promise<Record<string, unknown>> {
  const iterations = options.iterations ?? 100;
  const text = generateDocument(options.lines ?? 500);
  const { client } = await LspClient.start({
    script: await serverScript(),
    initializationOptions: { diagnostics: { delayMs: 0 } },
  });
  try {
    const uri = await client.open(text);
    await client.diagnostics(uri, 1);
    // The edit: the first search's seed goes 0 → 1 → 0 …, so every version is valid and different.
    const doc = () => client.doc(uri);
    const seedAt = text.indexOf('seed 0') + 5;
    const toggle = () => {
      const p = doc().positionAt(seedAt);
      const next = doc().getText()[seedAt] === '0' ? '1' : '0';
      return client.change(uri, [
        { range: { start: p, end: { line: p.line, character: p.character + 1 } }, text: next },
      ]);
    };
    const diagnostics: number[] = [];
    const hintsAfterEdit: number[] = [];
    const hintsUnchanged: number[] = [];
    const warmup = Math.min(20, iterations);
    for (let i = 0; i < warmup + iterations; i++) {
      let t0 = performance.now();
      const v = await toggle();
      await client.diagnostics(uri, v);
      const d = performance.now() - t0;

      t0 = performance.now();
      await toggle();
      await client.inlayHints(uri);
      const a = performance.now() - t0;

      t0 = performance.now();
      const hints = await client.inlayHints(uri);
      const u = performance.now() - t0;
      if (!hints?.length) throw new Error('no inlay hints');
      if (i >= warmup) {
        diagnostics.push(d);
        hintsAfterEdit.push(a);
        hintsUnchanged.push(u);
      }
    }
    return {
      lines: text.split('\n').length,
      didChangeToPublishDiagnosticsMs: percentiles(diagnostics),
      inlayHintsAfterEditMs: percentiles(hintsAfterEdit),
      inlayHintsUnchangedMs: percentiles(hintsUnchanged),
      goalP95Ms: 20,
    };
  } finally {
    await client.stop();
  }
}
