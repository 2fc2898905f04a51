import type { PanelToHost } from './panel-messages.js';
import { METRICS, type RunEvent } from './run-events.js';

/**
 * Boundary checks for messages from other processes. Hand-written guards (no schema library):
 * the shapes are few and small, and a guard that names the bad field is the error message.
 */

export type Checked<T> = { ok: true; value: T } | { ok: false; error: string };

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const isStr = (x: unknown): x is string => typeof x === 'string';

export function checkPanelMessage(x: unknown): Checked<PanelToHost> {
  if (!isObj(x) || !isStr(x.type)) return { ok: false, error: 'not a message object' };
  const id = () => isInt(x.id) && (x.id as number) >= 0;
  switch (x.type) {
    case 'ready':
      return { ok: true, value: { type: 'ready' } };
    case 'select':
    case 'open-as-model':
      return id()
        ? { ok: true, value: { type: x.type, id: x.id as number } }
        : { ok: false, error: `${x.type}: id must be a candidate number` };
    case 'export':
      if (!id()) return { ok: false, error: 'export: id must be a candidate number' };
      if (x.format !== 'tflite' && x.format !== 'c' && x.format !== 'tfjs')
        return { ok: false, error: 'export: format must be tflite, c or tfjs' };
      return { ok: true, value: { type: 'export', id: x.id as number, format: x.format } };
    case 'retrain':
      if (!id()) return { ok: false, error: 'retrain: id must be a candidate number' };
      if (!isInt(x.epochs) || (x.epochs as number) < 1 || (x.epochs as number) > 10000)
        return { ok: false, error: 'retrain: epochs must be 1..10000' };
      if (x.warm !== undefined && typeof x.warm !== 'boolean')
        return { ok: false, error: 'retrain: warm must be true or false' };
      return {
        ok: true,
        value: { type: 'retrain', id: x.id as number, epochs: x.epochs as number, warm: x.warm ?? false },
      };
    default:
      return { ok: false, error: `unknown message type '${String(x.type)}'` };
  }
}

const RESOURCE_KEYS = ['ram', 'arena', 'flash', 'macs', 'latency'] as const;

/** Checks the fields a consumer relies on; extra fields are allowed (newer writers). */
export function checkRunEvent(x: unknown): Checked<RunEvent> {
  if (!isObj(x) || !isStr(x.type)) return { ok: false, error: 'not an event object' };
  const bad = (f: string) => ({ ok: false as const, error: `${String(x.type)}: bad or missing '${f}'` });
  switch (x.type) {
    case 'run-started':
      if (!isStr(x.run)) return bad('run');
      if (!isStr(x.search)) return bad('search');
      if (!isInt(x.budget)) return bad('budget');
      if (
        !Array.isArray(x.objectives) ||
        !x.objectives.every((m) => (METRICS as readonly unknown[]).includes(m))
      )
        return bad('objectives');
      if (
        !Array.isArray(x.constraints) ||
        !x.constraints.every(
          (c) => isObj(c) && (METRICS as readonly unknown[]).includes(c.metric) && isNum(c.limit),
        )
      )
        return bad('constraints');
      break;
    case 'candidate-started':
      if (!isInt(x.id)) return bad('id');
      break;
    case 'epoch':
      if (!isInt(x.id)) return bad('id');
      if (!isInt(x.epoch) || !isInt(x.epochs)) return bad('epoch');
      break;
    case 'candidate-finished': {
      const c = x.candidate;
      if (!isObj(c) || !isInt(c.id)) return bad('candidate.id');
      if (!isStr(c.status)) return bad('candidate.status');
      if (!isObj(c.resources) || !RESOURCE_KEYS.every((k) => isNum((c.resources as Obj)[k])))
        return bad('candidate.resources');
      for (const k of ['error', 'testError', 'finalError'] as const)
        if (c[k] !== undefined && !isNum(c[k])) return bad(`candidate.${k}`);
      if (typeof c.feasible !== 'boolean') return bad('candidate.feasible');
      if (!isStr(c.model) || !Array.isArray(c.layers)) return bad('candidate.model');
      if (c.trainedBy !== undefined && !isStr(c.trainedBy)) return bad('candidate.trainedBy');
      if (
        c.pruning !== undefined &&
        (!isObj(c.pruning) || !isNum(c.pruning.sparsity) || !isNum(c.pruning.target))
      )
        return bad('candidate.pruning');
      break;
    }
    case 'front':
      if (!Array.isArray(x.ids) || !x.ids.every(isInt)) return bad('ids');
      if (!isNum(x.hypervolume)) return bad('hypervolume');
      break;
    case 'workers':
      if (
        !Array.isArray(x.workers) ||
        !x.workers.every(
          (w) =>
            isObj(w) &&
            isStr(w.id) &&
            isStr(w.backend) &&
            isInt(w.concurrency) &&
            Array.isArray(w.jobs) &&
            w.jobs.every(isInt) &&
            isInt(w.other),
        )
      )
        return bad('workers');
      break;
    case 'final-started':
      if (!Array.isArray(x.ids) || !x.ids.every(isInt)) return bad('ids');
      if (!isInt(x.epochs)) return bad('epochs');
      break;
    case 'log':
      if (!isStr(x.message)) return bad('message');
      break;
    case 'run-finished':
      if (x.reason !== 'done' && x.reason !== 'stopped' && x.reason !== 'failed') return bad('reason');
      break;
    default:
      return { ok: false, error: `unknown event type '${x.type}'` };
  }
  return { ok: true, value: x as unknown as RunEvent };
}
