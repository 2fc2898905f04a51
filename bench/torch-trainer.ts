import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { ArchGraph } from '../server/src/engine/arch/graph.js';

/** Debian's interpreter, where `python3-torch` installs; a pyenv or venv python may lack torch. */
export const PYTHON = '/usr/bin/python3';

/** PyTorch on one CPU thread in a long-lived child (bench/torch-train.py), so timings skip its start-up. */
export interface TorchTrainer {
  readonly version: string;
  samplesPerSec(graph: ArchGraph, batch: number, warmup: number, steps: number): Promise<number>;
  close(): void;
}

function scriptPath(): string {
  // Bundled into dist/bench.js, or run from the sources.
  const candidates = [join(__dirname, '..', 'bench', 'torch-train.py'), join(__dirname, 'torch-train.py')];
  return candidates.find((p) => existsSync(p)) ?? candidates[0]!;
}

/** Starts PyTorch, or says why it is unavailable (no python, no torch): the bench then skips it. */
export async function startTorch(): Promise<TorchTrainer | { unavailable: string }> {
  if (!existsSync(PYTHON)) return { unavailable: `${PYTHON} not found` };
  const child = spawn(PYTHON, [scriptPath()], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines = createInterface({ input: child.stdout });
  const exited = new Promise<string>((resolve) => {
    child.on('error', (e) => resolve(e.message));
    child.on('exit', (code) => resolve(`exited with code ${code}`));
  });
  const next = (): Promise<Record<string, unknown>> => nextLine(lines, exited);
  const hello = await next();
  if (typeof hello.torch !== 'string') {
    child.kill();
    return { unavailable: String(hello.error ?? 'no answer') };
  }
  return trainer(child, hello.torch, next);
}

function trainer(
  child: ChildProcessWithoutNullStreams,
  version: string,
  next: () => Promise<Record<string, unknown>>,
): TorchTrainer {
  return {
    version,
    async samplesPerSec(graph, batch, warmup, steps) {
      child.stdin.write(`${JSON.stringify({ graph, batch, warmup, steps })}\n`);
      const r = await next();
      if (typeof r.samplesPerSec !== 'number') throw new Error(`PyTorch: ${String(r.error ?? 'bad answer')}`);
      return r.samplesPerSec;
    },
    close() {
      child.stdin.end();
    },
  };
}

/** The next JSON line from the child, or an error when it exits first or prints something else. */
function nextLine(lines: Interface, exited: Promise<string>): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const onLine = (line: string) => {
      try {
        const v: unknown = JSON.parse(line);
        if (v === null || typeof v !== 'object') throw new Error('not an object');
        resolve(v as Record<string, unknown>);
      } catch {
        reject(new Error(`PyTorch printed ${JSON.stringify(line.slice(0, 200))}`));
      }
    };
    lines.once('line', onLine);
    void exited.then((why) => {
      lines.off('line', onLine);
      reject(new Error(`PyTorch ${why}`));
    });
  });
}
