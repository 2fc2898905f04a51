import type { RunEvent } from '../../../protocol/src/run-events.js';
import { formatBytes, formatCount } from '../engine/language/units.js';
import type { CliIo } from './io.js';

/**
 * How a search shows itself in a terminal: `--json` prints every event as a JSON line; a TTY gets
 * one progress line with a bar and ETA, redrawn in place; anything else gets plain lines.
 */
export function createReporter(io: CliIo, mode: 'json' | 'tty' | 'plain'): (e: RunEvent) => void {
  if (mode === 'json') return (e) => io.stdout.write(`${JSON.stringify(e)}\n`);
  let budget = 0;
  let done = 0;
  let started = Date.now();
  let status = '';
  const training = new Map<number, string>();
  let workers = '';
  let final: { total: number; done: number } | undefined;
  let deadline: number | undefined;
  const print = (line: string) => {
    if (mode === 'tty' && status) io.stdout.write('\r\x1b[2K');
    io.stdout.write(`${line}\n`);
    if (mode === 'tty') redraw();
  };
  const redraw = () => {
    if (mode !== 'tty') return;
    const frac = budget ? done / budget : 0;
    const width = 24;
    const bar = '█'.repeat(Math.round(frac * width)).padEnd(width, '░');
    const elapsed = (Date.now() - started) / 1000;
    // A time budget ends the search phase at its deadline even when the rounds would go on.
    const left = deadline !== undefined && !final ? Math.max(0, (deadline - Date.now()) / 1000) : Infinity;
    const eta = Math.min(done ? (elapsed / done) * (budget - done) : Infinity, left);
    const now = [...training.values()].join(' · ');
    status = `${bar} ${done}/${budget}  ETA ${Number.isFinite(eta) ? clock(eta) : '--:--'}  ${now}`;
    io.stdout.write(`\r\x1b[2K${status.slice(0, 160)}`);
  };
  return (e) => {
    switch (e.type) {
      case 'run-started':
        budget = e.budget;
        deadline = e.deadline !== undefined ? Date.parse(e.deadline) : undefined;
        started = Date.now();
        print(
          `${e.resumed ? 'resuming' : 'search'} ${e.search}: ${e.budget} candidates, ${e.workers} worker(s), backend ${e.backend}, resources in the ${e.convention ?? 'tflm'} convention\nrun folder: ${e.run}`,
        );
        break;
      case 'candidate-started':
        training.set(e.id, `#${e.id} …`);
        redraw();
        break;
      case 'epoch':
        training.set(
          e.id,
          `#${e.id} epoch ${e.epoch}/${e.epochs} loss ${e.loss.toFixed(3)} acc ${(100 * e.accuracy).toFixed(1)}%`,
        );
        redraw();
        break;
      case 'candidate-finished': {
        const c = e.candidate;
        training.delete(c.id);
        if (c.testError !== undefined) {
          if (final) done = ++final.done;
          print(
            `${final ? `[final ${final.done}/${final.total}] ` : ''}front #${c.id}: test accuracy ${(100 * (1 - c.testError)).toFixed(2)}%`,
          );
          break;
        }
        if (c.status === 'trained' || c.status === 'failed') done++;
        const r = c.resources;
        const res = `ram ${formatBytes(r.ram)} · flash ${formatBytes(r.flash)} · ${formatCount(r.macs)} MACs`;
        const what =
          c.status === 'trained'
            ? `accuracy ${(100 * (1 - c.error!)).toFixed(2)}%${c.feasible ? '' : ` (infeasible: ${c.violations.join(', ')})`}`
            : c.status === 'failed'
              ? `failed: ${c.failure ?? 'unknown'}`
              : `rejected before training: ${c.violations.join(', ')}`;
        print(
          `[${done}/${budget}] #${c.id} ${c.origin}: ${what} · ${res}${c.trainSeconds ? ` · ${c.trainSeconds.toFixed(1)} s` : ''}${c.trainedBy ? ` · on ${c.trainedBy}` : ''}`,
        );
        break;
      }
      case 'front':
        print(
          `  front: ${e.ids.length} member(s) [${e.ids.join(', ')}], hypervolume ${e.hypervolume.toFixed(4)}`,
        );
        break;
      case 'workers': {
        // A line when workers come or go; what each trains shows in the candidates' lines.
        const ids = e.workers.map((w) => `${w.id} (${w.concurrency})`).join(', ');
        if (ids === workers) break;
        workers = ids;
        const slots = e.workers.reduce((n, w) => n + w.concurrency, 0);
        print(`  workers: ${ids || 'none'}${slots ? ` — ${slots} candidate(s) at a time` : ''}`);
        break;
      }
      case 'final-started':
        final = { total: e.ids.length, done: 0 };
        // The progress bar now counts the final phase.
        budget = e.ids.length;
        done = 0;
        started = Date.now();
        print(`final phase: re-training #${e.ids.join(', #')} for ${e.epochs} epochs`);
        break;
      case 'log':
        print(`${e.level === 'info' ? '' : `${e.level}: `}${e.message}`);
        break;
      case 'run-finished':
        if (mode === 'tty') io.stdout.write('\r\x1b[2K');
        status = '';
        io.stdout.write(`search ${e.reason}${e.message ? `: ${e.message}` : ''}\n`);
        break;
    }
  };
}

function clock(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h ? `${h}:` : ''}${String(m).padStart(h ? 2 : 1, '0')}:${String(s % 60).padStart(2, '0')}`;
}
