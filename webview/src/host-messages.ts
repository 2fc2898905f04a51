import type { HostToPanel } from '../../protocol/src/panel-messages.js';
import type { CandidateSummary, LayerSummary, RunEvent } from '../../protocol/src/run-events.js';
import { checkRunEvent, type Checked } from '../../protocol/src/validate.js';

/**
 * The panel's boundary: what arrives through `message` events is checked before it reaches the
 * reducer. A bad event is dropped (and reported), the rest of its batch is kept.
 */
export interface CheckedHostMessage {
  readonly message: HostToPanel;
  readonly dropped: readonly string[];
}

export function checkHostMessage(x: unknown): Checked<CheckedHostMessage> {
  if (typeof x !== 'object' || x === null) return { ok: false, error: 'not a message object' };
  const m = x as Record<string, unknown>;
  switch (m.type) {
    case 'reset':
      if (typeof m.run !== 'string') return { ok: false, error: "reset: bad or missing 'run'" };
      return {
        ok: true,
        value: { message: { type: 'reset', run: m.run, loading: m.loading === true }, dropped: [] },
      };
    case 'events': {
      if (!Array.isArray(m.events)) return { ok: false, error: "events: bad or missing 'events'" };
      const events: RunEvent[] = [];
      const dropped: string[] = [];
      for (const e of m.events) {
        const checked = checkRunEvent(e);
        if (checked.ok)
          events.push(
            checked.value.type === 'candidate-finished'
              ? { ...checked.value, candidate: tidyCandidate(checked.value.candidate) }
              : checked.value,
          );
        else dropped.push(checked.error);
      }
      return { ok: true, value: { message: { type: 'events', events }, dropped } };
    }
    default:
      return { ok: false, error: `unknown message type '${String(m.type)}'` };
  }
}

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/**
 * `checkRunEvent` checks what every consumer relies on; the details view also reads the layers,
 * the curve and the violations, so those are tidied here (bad entries dropped) rather than trusted.
 */
function tidyCandidate(c: CandidateSummary): CandidateSummary {
  const raw = c as unknown as Record<string, unknown>;
  const layers = (c.layers as unknown[]).filter((l): l is LayerSummary => {
    if (typeof l !== 'object' || l === null) return false;
    const r = l as Record<string, unknown>;
    return (
      typeof r.name === 'string' &&
      typeof r.text === 'string' &&
      Array.isArray(r.shape) &&
      r.shape.every(isNum) &&
      isNum(r.ram) &&
      isNum(r.flash) &&
      isNum(r.macs)
    );
  });
  const violations = Array.isArray(raw.violations)
    ? raw.violations.filter((v): v is string => typeof v === 'string')
    : [];
  const curve = Array.isArray(raw.curve) ? raw.curve.filter(isNum) : undefined;
  const tidy: Record<string, unknown> = { ...c, layers, violations };
  if (curve) tidy.curve = curve;
  else delete tidy.curve;
  for (const k of ['parent', 'testError', 'finalError', 'trainSeconds'] as const)
    if (tidy[k] !== undefined && !isNum(tidy[k])) delete tidy[k];
  if (typeof tidy.origin !== 'string') tidy.origin = '';
  if (tidy.failure !== undefined && typeof tidy.failure !== 'string') delete tidy.failure;
  const p = tidy.pruning as Record<string, unknown> | undefined;
  if (
    p !== undefined &&
    !(
      p &&
      typeof p === 'object' &&
      (p.kind === 'structured' || p.kind === 'unstructured') &&
      isNum(p.sparsity) &&
      isNum(p.target) &&
      (p.nonZeroFlash === undefined || isNum(p.nonZeroFlash))
    )
  )
    delete tidy.pruning;
  return tidy as unknown as CandidateSummary;
}
