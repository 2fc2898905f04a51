import type { ConstraintDecl, Metric, ModelDecl, SearchDecl } from '../language/ast.js';
import { unknownWord } from '../language/args.js';
import type { Diagnostic } from '../language/diagnostics.js';
import type { Span } from '../language/syntax-tree.js';
import { formatBytes, formatCount, formatSeconds } from '../language/units.js';
import type { MetricBounds } from '../resources/space-bounds.js';
import { resourcesOf } from '../runs/profiler.js';
import { metricValue as objectiveValue } from '../search/objectives.js';
import { TFLM_OPS } from '../export/tflm-ops.js';
import type { DocumentFacts } from './document-facts.js';
import {
  modelEstimate,
  originOf,
  searchSpaceEstimate,
  searchTarget,
  type ModelEstimate,
} from './estimates.js';

/**
 * Resource findings the analysis alone cannot make, because they need the resource models:
 * a baseline over a limit of the search that uses it, a model over its board's RAM or flash, a
 * search space whose smallest architecture already breaks a hard limit. Each says by how much
 * and where the cost is ("ram 9.1 KB exceeds the 8 KB limit by 1.1 KB (peak at conv2d_1, line 12)").
 */
export interface Finding extends Diagnostic {
  readonly related: readonly { readonly span: Span; readonly message: string }[];
}

type Check<T> = (node: T, facts: DocumentFacts, report: (f: Finding) => void) => void;

/**
 * The checks that need the resource models, per node type, as the validator's registry
 * (language/validator.ts) holds the cheap ones. `checkDocument` runs both; the editor runs these
 * after the cheap ones are published, as they can take tens of ms.
 */
export interface ResourceChecks {
  readonly model: readonly Check<ModelDecl>[];
  readonly search: readonly Check<SearchDecl>[];
}

type ResourceMetric = Exclude<Metric, 'error'>;

const modelTargetKnown: Check<ModelDecl> = (model, facts, report) => {
  const boards = facts.env.boards;
  if (model.target && !boards.find(model.target.name)) {
    // The validator checks search targets; a model's target only matters to the estimates.
    const d = unknownWord(
      model.target.span,
      model.target.name,
      boards.names(),
      'a board from the catalogue; estimates use the default board',
    );
    report({ ...d, severity: 'warning', related: [] });
  }
};

/** A concat TFLite Micro cannot run (more inputs than its kernel takes): the exporter would refuse it. */
const modelConcatsFitTflm: Check<ModelDecl> = (model, facts, report) => {
  const graph = facts.analysis.graphs.get(model);
  const max = TFLM_OPS.CONCATENATION.repeat!.max;
  for (const node of graph?.nodes ?? []) {
    const o = node.origin;
    if (node.op.kind !== 'concat' || node.inputs.length <= max || o?.start === undefined) continue;
    report({
      start: o.start,
      end: o.end ?? o.start,
      severity: 'warning',
      code: 'tflm-concat-inputs',
      message: `concat of ${node.inputs.length} paths: TensorFlow Lite Micro's CONCATENATION takes at most ${max} inputs (kernels/concatenation.cc), so this model cannot be exported`,
      related: [],
    });
  }
};

/** A model over the board it names is an error; over the default board (it named none), a warning. */
const modelFitsBoard: Check<ModelDecl> = (model, facts, report) => {
  const e = modelEstimate(facts, model);
  const budget = e?.estimate.budget;
  if (!e || !e.complete || !budget) return;
  const who = `${e.target.board?.name ?? e.target.label}${e.target.isDefault ? ' (the default target)' : ''}`;
  if (!budget.ramFits) report(overBoard(facts, e, 'ram', budget.ram, who));
  if (!budget.flashFits) report(overBoard(facts, e, 'flash', budget.flash, who));
};

/** A baseline over a limit of its search: the search will count it infeasible (or penalised). */
const baselinesWithinLimits: Check<SearchDecl> = (search, facts, report) => {
  const doc = facts.analysis.document;
  const st = searchTarget(facts, search);
  for (const ref of search.baselines) {
    const model = doc.models.find((m) => m.name.name === ref.name);
    const e = model && st ? modelEstimate(facts, model, st.target, search.convention?.value) : undefined;
    if (!e || !e.complete) continue;
    for (const c of search.constraints) {
      if (c.metric.value === 'error') continue;
      const metric = c.metric.value;
      const value = metricValue(e, metric);
      if (value === undefined || !over(value, c)) continue;
      const soft = c.mode === 'soft';
      report({
        start: ref.span.start,
        end: ref.span.end,
        severity: soft ? 'info' : 'warning',
        code: soft ? 'baseline-over-soft-limit' : 'baseline-over-limit',
        message: `${ref.name}: ${metric} ${fmt(metric, value)} exceeds the ${soft ? 'soft ' : ''}${fmt(metric, c.limit.value)} limit by ${fmt(metric, value - c.limit.value)} (${where(facts, e, metric)})`,
        related: [{ span: c.span, message: `the ${metric} limit` }, ...hotspot(facts, e, metric)],
      });
    }
    for (const l of st?.limits ?? []) {
      // As the search checks it: the board's RAM bounds the TFLM arena, its flash the model size.
      const metric = l.metric;
      const value = metricValue(e, metric)!;
      if (value <= l.limit) continue;
      report({
        start: ref.span.start,
        end: ref.span.end,
        severity: 'warning',
        code: 'baseline-over-board',
        message: `${ref.name}: ${metric} ${fmt(metric, value)} exceeds the ${fmt(metric, l.limit)} of ${l.metric === 'arena' ? 'RAM' : 'flash'} ${st!.target.label} leaves for the model by ${fmt(metric, value - l.limit)} (${where(facts, e, metric)})`,
        related: hotspot(facts, e, metric),
      });
    }
  }
};

/** A space whose smallest architecture breaks a hard limit: every candidate would be infeasible. */
const spaceMeetsLimits: Check<SearchDecl> = (search, facts, report) => {
  const se = searchSpaceEstimate(facts, search);
  if (!se) return;
  const b = se.bounds;
  const least: Readonly<Record<string, MetricBounds | undefined>> = {
    ram: b.peakRam,
    arena: b.peakRam,
    flash: b.flash,
    macs: b.macs,
  };
  for (const c of search.constraints) {
    const m = least[c.metric.value];
    if (c.mode !== 'hard' || !m || !over(m.min, c)) continue;
    const atLeast = !m.exact || c.metric.value === 'arena' ? 'at least ' : '';
    report({
      start: c.limit.span.start,
      end: c.limit.span.end,
      severity: 'error',
      code: 'space-infeasible',
      message: `no architecture of this search space meets ${c.metric.value} ${c.op} ${fmt(c.metric.value, c.limit.value)}: the smallest needs ${atLeast}${fmt(c.metric.value, m.min)}`,
      related: [{ span: se.space.span, message: 'the search space' }],
    });
  }
  for (const l of searchTarget(facts, search)?.limits ?? []) {
    // The arena holds at least the peak working set: the peak-RAM bound bounds it too.
    const m = l.metric === 'arena' ? b.peakRam : b.flash;
    if (m.min <= l.limit) continue;
    // On the space reference, or on the `space` keyword of an inline space.
    const sp = search.space;
    const at = !sp
      ? search.name.span
      : sp.kind === 'space-ref'
        ? sp.ref.span
        : { start: sp.span.start, end: sp.span.start + 'space'.length };
    report({
      start: at.start,
      end: at.end,
      severity: 'error',
      code: 'space-infeasible',
      message: `no architecture of this search space fits ${searchTarget(facts, search)!.target.label}: the smallest needs ${m.exact ? '' : 'at least '}${formatBytes(m.min)} of ${l.metric === 'arena' ? 'RAM' : 'flash'}, the board leaves ${formatBytes(l.limit)}`,
      related: [],
    });
  }
};

export const RESOURCE_CHECKS: ResourceChecks = {
  model: [modelTargetKnown, modelConcatsFitTflm, modelFitsBoard],
  search: [baselinesWithinLimits, spaceMeetsLimits],
};

/** Every resource finding of a document version, in document order; computed once per version. */
export function resourceFindings(
  facts: DocumentFacts,
  checks: ResourceChecks = RESOURCE_CHECKS,
): readonly Finding[] {
  return facts.memo('resource-findings', () => {
    const out: Finding[] = [];
    const report = (f: Finding) => out.push(f);
    const doc = facts.analysis.document;
    for (const m of doc.models) for (const c of checks.model) c(m, facts, report);
    for (const s of doc.searches) for (const c of checks.search) c(s, facts, report);
    return out.sort((a, b) => a.start - b.start || a.end - b.end);
  });
}

function overBoard(
  state: DocumentFacts,
  e: ModelEstimate,
  kind: 'ram' | 'flash',
  budget: number,
  who: string,
): Finding {
  const metric = kind === 'ram' ? (e.estimate.convention === 'tflm' ? 'arena' : 'ram') : 'flash';
  const value = metricValue(e, metric)!;
  return {
    start: e.model.name.span.start,
    end: e.model.name.span.end,
    severity: e.target.isDefault ? 'warning' : 'error',
    code: 'model-over-board',
    message: `${metric} ${fmt(metric, value)} exceeds the ${formatBytes(budget)} of ${kind === 'ram' ? 'RAM' : 'flash'} ${who} leaves for the model by ${fmt(metric, value - budget)} (${where(state, e, metric)})`,
    related: hotspot(state, e, metric),
  };
}

function over(value: number, c: ConstraintDecl): boolean {
  return c.op === '<' ? value >= c.limit.value : value > c.limit.value;
}

/** A model's figure for a constraint metric, in the constraint's canonical unit (seconds for latency). */
function metricValue(e: ModelEstimate, metric: ResourceMetric): number | undefined {
  const ms = e.estimate.totals.latencyMs;
  if (metric === 'latency') return ms === null ? undefined : ms / 1000;
  return objectiveValue(metric, undefined, resourcesOf(e.estimate));
}

export function fmt(metric: string, value: number): string {
  if (metric === 'macs') return `${formatCount(value)} MACs`;
  if (metric === 'latency') return formatSeconds(value);
  return formatBytes(value);
}

/** The node that drives a metric: the peak step for RAM, the largest layer for the others. */
function driver(e: ModelEstimate, metric: ResourceMetric): { node: number; name: string } | undefined {
  if (metric === 'ram' || metric === 'arena') {
    const id = e.estimate.peakNode;
    const l = id === null ? undefined : e.estimate.layers[id];
    return l ? { node: l.node, name: l.name } : undefined;
  }
  const key = metric === 'flash' ? 'flash' : metric === 'macs' ? 'macs' : 'cycles';
  let best: { node: number; name: string; v: number } | undefined;
  for (const l of e.estimate.layers) {
    const v = l[key] ?? 0;
    if (!best || v > best.v) best = { node: l.node, name: l.name, v };
  }
  return best;
}

function where(state: DocumentFacts, e: ModelEstimate, metric: ResourceMetric): string {
  const d = driver(e, metric);
  if (!d) return 'no layers';
  const o = originOf(e, d.node);
  const lead =
    metric === 'ram' || metric === 'arena'
      ? 'peak at'
      : metric === 'flash'
        ? 'largest:'
        : metric === 'macs'
          ? 'most MACs:'
          : 'slowest:';
  return `${lead} ${d.name}${o ? `, line ${state.lineOf(o.start)}` : ''}`;
}

function hotspot(
  state: DocumentFacts,
  e: ModelEstimate,
  metric: ResourceMetric,
): { span: Span; message: string }[] {
  const d = driver(e, metric);
  const o = d && originOf(e, d.node);
  if (!d || !o) return [];
  const l = e.estimate.layers[d.node]!;
  const what =
    metric === 'ram' || metric === 'arena'
      ? `peak: ${formatBytes(e.estimate.totals.peakRam)} resident (${e.estimate.peakTensors.map((t) => `${t.name} ${formatBytes(t.bytes)}`).join(', ')})`
      : metric === 'flash'
        ? `${d.name}: ${formatBytes(l.flash)} of flash`
        : metric === 'macs'
          ? `${d.name}: ${formatCount(l.macs)} MACs`
          : `${d.name}: ${l.cycles ?? 0} cycles`;
  return [{ span: o, message: what }];
}
