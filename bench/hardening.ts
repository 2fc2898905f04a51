import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from '../server/src/engine/rng/seeded-rng.js';
import { generateDocument } from '../test/harness/generate-document.js';
import { HOSTILE_KINDS, hostileDocument, malformedFrames } from '../test/harness/hostile-documents.js';
import { LspClient } from '../test/harness/lsp-client.js';
import { percentiles, serverScript } from './lsp.js';

// bench/ (source) and dist/ (bundle) are both one level below the repository root.
export interface HardeningBenchOptions {
  /** Hostile documents opened, queried and closed one after another (issue #11: 10,000). */
  readonly documents?: number;
  /** Size factor of the generated documents (1 = the largest the generators make). */
  readonly scale?: number;
  /** Edit-load duration in seconds (issue #11: 60). */
  readonly loadSeconds?: number;
  /** How many of the 70 malformed frames to send (each to a fresh server). */
  readonly frames?: number;
  /** Idle time given to the server after the last close, before its RSS is read (default 8 s). */
  readonly settleMs?: number;
}

/** Resident set size of a process, from /proc (Linux); NaN elsewhere. */
function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 102.4) / 10 : NaN;
  } catch {
    return NaN;
  }
}

const within = <T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> =>
  Promise.race([p, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref())]);

/**
 * Issue #11's acceptance, measured: hostile documents through one server (every request answered
 * within 5 s, no crash; RSS after closing them all against RSS after start-up + one example), the
 * 70 malformed frames (each a fresh server: broken framing exits 1, bad messages are answered),
 * and an edit load on 50 open 500-line documents (p95 edit → diagnostics, minus the debounce).
 */
export async function benchHardening(options: HardeningBenchOptions = {}): Promise<Record<string, unknown>> {
  const script = await serverScript();
  return {
    hostileDocuments: await hostileDocuments(
      script,
      options.documents ?? 10_000,
      options.scale ?? 0.25,
      options.settleMs ?? 8000,
    ),
    malformedFrames: await frames(script, options.frames ?? 70),
    editLoad: await editLoad(script, options.loadSeconds ?? 60),
  };
}

async function hostileDocuments(
  script: string,
  count: number,
  scale: number,
  settleMs: number,
): Promise<Record<string, unknown>> {
  const { client } = await LspClient.start({
    script,
    initializationOptions: { quiescentNotification: true, diagnostics: { delayMs: 0 } },
  });
  const pid = client.child.pid!;
  try {
    const example = await client.open(readFileSync(join(__dirname, '../examples/mnist.unas'), 'utf8'));
    await client.diagnostics(example, 1);
    const rssAfterStartup = rssMb(pid);
    const rng = mulberry32(11);
    const latencies: number[] = [];
    let unanswered = 0;
    let peak = rssAfterStartup;
    const t0 = performance.now();
    for (let i = 0; i < count; i++) {
      const text = hostileDocument(rng, HOSTILE_KINDS[i % HOSTILE_KINDS.length]!, scale);
      const start = performance.now();
      const uri = await client.open(text);
      const at = client.doc(uri).positionAt(rng.int(text.length + 1));
      const answers = await within(
        Promise.all([
          client.diagnostics(uri, 1),
          client.hover(uri, at),
          client.inlayHints(uri),
          client.symbols(uri),
        ]),
        5000,
      );
      if (answers === 'timeout') unanswered++;
      latencies.push(performance.now() - start);
      await client.close(uri);
      if (i % 250 === 0) peak = Math.max(peak, rssMb(pid));
    }
    await client.close(example);
    // One round trip after the closes (they have been processed), then time for the server to collect when idle and return the pages.
    await client.symbols(example).catch(() => null);
    await new Promise((r) => setTimeout(r, settleMs));
    const rssAfterClose = rssMb(pid);
    return {
      documents: count,
      scale,
      seconds: Math.round((performance.now() - t0) / 100) / 10,
      documentToAllAnswersMs: percentiles(latencies),
      unansweredWithin5s: unanswered,
      serverAlive: client.child.exitCode === null,
      failedFeatureLogs: client.logs.filter((l) => l.includes('failed') || l.includes('uncaught')).length,
      rssMb: { afterStartupAndOneExample: rssAfterStartup, peak, afterClosingAll: rssAfterClose },
      rssRatio: Math.round((rssAfterClose / rssAfterStartup) * 100) / 100,
      goalRssRatio: 1.5,
    };
  } finally {
    await client.stop();
  }
}

/** Sends `bytes` after an initialize to a fresh server; its exit code, or 'alive' if it answered a probe. */
function oneFrame(script: string, bytes: Buffer): Promise<{ exit: number | null | 'alive'; ms: number }> {
  return new Promise((resolve) => {
    const start = performance.now();
    const child = spawn(process.execPath, [script, '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
    const frame = (m: unknown) => {
      const body = Buffer.from(JSON.stringify(m));
      return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]);
    };
    let out = '';
    const done = (exit: number | null | 'alive') => {
      clearTimeout(timer);
      child.kill();
      resolve({ exit, ms: Math.round(performance.now() - start) });
    };
    const timer = setTimeout(() => done('alive'), 5000);
    child.on('exit', (code) => done(code));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('"id":"probe"')) done('alive');
    });
    child.stdin.on('error', () => undefined);
    child.stdin.write(
      frame({
        jsonrpc: '2.0',
        id: 0,
        method: 'initialize',
        params: { processId: null, rootUri: null, capabilities: {} },
      }),
    );
    child.stdin.write(bytes);
    child.stdin.write(frame({ jsonrpc: '2.0', id: 'probe', method: 'shutdown' }));
  });
}

async function frames(script: string, count: number): Promise<Record<string, unknown>> {
  const all = malformedFrames().slice(0, count);
  let asExpected = 0;
  const wrong: string[] = [];
  const ms: number[] = [];
  for (const f of all) {
    const r = await oneFrame(script, f.bytes);
    ms.push(r.ms);
    if (f.fatal ? r.exit === 1 : r.exit === 'alive') asExpected++;
    else wrong.push(`${f.name}: ${String(r.exit)}`);
  }
  return { frames: all.length, asExpected, wrong, msToExitOrAnswer: percentiles(ms) };
}

async function editLoad(script: string, seconds: number): Promise<Record<string, unknown>> {
  const debounce = 100;
  const { client } = await LspClient.start({
    script,
    initializationOptions: { diagnostics: { delayMs: debounce } },
  });
  try {
    const text = generateDocument(500);
    const uris: string[] = [];
    for (let i = 0; i < 50; i++) {
      const uri = await client.open(text);
      await client.diagnostics(uri, 1);
      uris.push(uri);
    }
    const rng = mulberry32(50);
    const seedAt = text.indexOf('seed 0') + 5;
    const waits: Promise<number>[] = [];
    const end = performance.now() + seconds * 1000;
    let edits = 0;
    while (performance.now() < end) {
      const uri = uris[rng.int(uris.length)]!;
      const d = client.doc(uri);
      const p = d.positionAt(seedAt);
      const next = d.getText()[seedAt] === '0' ? '1' : '0';
      const t0 = performance.now();
      const v = await client.change(uri, [
        { range: { start: p, end: { line: p.line, character: p.character + 1 } }, text: next },
      ]);
      edits++;
      // Diagnostics of this version or a later one (a later edit within the debounce supersedes it).
      waits.push(
        within(client.diagnostics(uri, v), 10_000).then((r) =>
          r === 'timeout' ? NaN : performance.now() - t0,
        ),
      );
      await new Promise((r) => setTimeout(r, 50));
    }
    const latencies = await Promise.all(waits);
    const got = latencies.filter((x) => !Number.isNaN(x));
    return {
      documents: uris.length,
      lines: text.split('\n').length,
      seconds,
      edits,
      editsWithDiagnostics: got.length,
      debounceMs: debounce,
      editToDiagnosticsMinusDebounceMs: percentiles(got.map((x) => Math.max(0, x - debounce))),
      goalP95Ms: 20,
    };
  } finally {
    await client.stop();
  }
}
