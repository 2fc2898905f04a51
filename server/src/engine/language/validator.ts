import type { ModelDecl, SearchDecl, SpaceDecl, UnasDocument } from './ast.js';
import { diag, type Report } from './diagnostics.js';
import { unknownWord } from './args.js';
import { DATASETS, datasetClasses, datasetInput } from './datasets.js';
import { mfccSettingsOf } from './audio-settings.js';
import { mfccSettingsProblem } from '../features/mfcc.js';
import { graphFromLayers } from '../arch/from-layers.js';
import { formatBytes } from './units.js';
import type { ArchGraph } from '../arch/graph.js';
import type { Span } from './syntax-tree.js';
import { CORE_IDS, isCoreId } from '../resources/cores.js';
import { MAX_ESTIMATED_NODES } from '../arch/size-limits.js';

/** What the validator needs to know about boards (the catalogue implements it). */
export interface BoardLookup {
  find(
    id: string,
  ):
    | { readonly id: string; readonly name: string; readonly ramBytes: number; readonly flashBytes: number }
    | undefined;
  ids(): readonly string[];
}

export interface ValidationContext {
  readonly document: UnasDocument;
  readonly report: Report;
  readonly boards?: BoardLookup;
  /** Graphs of the models, built once and shared by the checks (and returned to callers). */
  readonly graphs: ReadonlyMap<ModelDecl, ArchGraph>;
}

type Check<T> = (node: T, ctx: ValidationContext) => void;

/**
 * Validation is a registry of small checks per node type; each reports against the node it is
 * about, so a finding lands on the exact setting. Add a check by adding it to a list.
 */
export interface Checks {
  readonly document: readonly Check<UnasDocument>[];
  readonly search: readonly Check<SearchDecl>[];
  readonly model: readonly Check<ModelDecl>[];
  readonly space: readonly Check<SpaceDecl>[];
}

const uniqueNames: Check<UnasDocument> = (doc, { report }) => {
  for (const [kind, list] of [
    ['search', doc.searches],
    ['model', doc.models],
    ['space', doc.spaces],
  ] as const) {
    const seen = new Map<string, Span>();
    for (const n of list) {
      if (!('name' in n) || !n.name) continue;
      if (seen.has(n.name.name))
        report(diag(n.name.span, 'duplicate-name', `a ${kind} named '${n.name.name}' is already defined`));
      else seen.set(n.name.name, n.name.span);
    }
  }
};

const searchRequired: Check<SearchDecl> = (s, { report }) => {
  const where = s.name.span;
  if (!s.written.has('dataset'))
    report(diag(where, 'missing-section', `search '${s.name.name}' has no dataset (e.g. dataset mnist)`));
  if (!s.written.has('space'))
    report(
      diag(
        where,
        'missing-section',
        `search '${s.name.name}' has no search space (space { blocks 1..4 { … } })`,
      ),
    );
};

const datasetFields: Check<SearchDecl> = (s, { report }) => {
  const d = s.dataset;
  if (!d) return;
  const info = DATASETS[d.kind.value];
  if (info.needsPath && !d.path)
    report(
      diag(d.kind.span, 'dataset-path', `${d.kind.value} needs a path: dataset ${d.kind.value} { path "…" }`),
    );
  if (d.kind.value === 'idx') {
    const files = [d.trainImages, d.trainLabels, d.testImages, d.testLabels];
    if (!d.path && files.some((f) => !f))
      report(
        diag(
          d.kind.span,
          'dataset-path',
          'idx needs train-images, train-labels, test-images and test-labels (or a path holding the four standard file names)',
        ),
      );
  }
  if (d.kind.value === 'images' && !d.input)
    report(
      diag(
        d.kind.span,
        'dataset-input',
        'an image folder needs the input shape to resize to, e.g. input 32x32x3',
      ),
    );
  if (info.input && d.input && d.input.value.join('x') !== info.input.join('x')) {
    report(diag(d.input.span, 'dataset-input', `${d.kind.value} images are ${info.input.join('x')}`));
  }
  if (d.classes && d.kind.value !== 'cifar10' && info.classes && d.classes.value !== info.classes) {
    report(diag(d.classes.span, 'dataset-classes', `${d.kind.value} has ${info.classes} classes`));
  }
  if (d.classes && d.kind.value === 'cifar10' && d.classes.value !== 10 && d.classes.value !== 2) {
    report(
      diag(
        d.classes.span,
        'dataset-classes',
        'cifar10 has 10 classes, or 2 for the binary task (label < 5 vs ≥ 5)',
      ),
    );
  }
};

const IMAGE_AUGMENT = ['rotate', 'flip'];
const AUDIO_AUGMENT = ['noise', 'volume', 'copies'];

/** Audio settings only in audio datasets, image settings only elsewhere, and a front end that computes. */
const audioFields: Check<SearchDecl> = (s, { report }) => {
  const d = s.dataset;
  if (!d) return;
  const audio = d.kind.value === 'audio';
  const aug = d.augment;
  if (!audio) {
    for (const x of [d.words, d.silence, d.unknown, d.features])
      if (x)
        report(diag(x.span, 'audio-only', 'only an audio dataset has this setting (dataset audio { … })'));
    for (const k of AUDIO_AUGMENT) {
      const at = aug?.written.get(k);
      if (at) report(diag(at, 'audio-only', `'${k}' augments audio; this dataset is ${d.kind.value}`));
    }
    if (aug?.shiftTime)
      report(diag(aug.shiftTime.span, 'unit', 'images shift by pixels: shift 2 (a time shift is for audio)'));
    return;
  }
  if (!d.words)
    report(
      diag(d.kind.span, 'dataset-words', 'an audio dataset needs its keywords: words yes, no, up, down'),
    );
  for (const k of IMAGE_AUGMENT) {
    const at = aug?.written.get(k);
    if (at)
      report(diag(at, 'image-only', `'${k}' augments images; audio takes shift, noise, volume and copies`));
  }
  if (aug && aug.shift > 0 && aug.written.has('shift'))
    report(diag(aug.written.get('shift')!, 'unit', 'audio shifts in time: shift 100 ms'));
  const input = datasetInput(d);
  const classes = datasetClasses(d);
  if (d.input && input && d.input.value.join('x') !== input.join('x'))
    report(
      diag(d.input.span, 'dataset-input', `the features give ${input.join('x')} (frames × coefficients × 1)`),
    );
  if (d.classes && classes !== undefined && d.classes.value !== classes)
    report(
      diag(
        d.classes.span,
        'dataset-classes',
        `${classes} classes: silence, unknown and ${classes - 2} words`,
      ),
    );
  if (d.features) {
    const problem = mfccSettingsProblem(mfccSettingsOf(d.features));
    if (problem) report(diag(d.features.span, 'features', `MFCC: ${problem}`));
  }
};

const targetCore: Check<SearchDecl> = (s, { report }) => {
  const core = s.target?.core;
  if (core && !isCoreId(core.value))
    report(unknownWord(core.span, core.value, CORE_IDS, `a core: ${CORE_IDS.join(', ')}`));
};

const targetBoard: Check<SearchDecl> = (s, { report, boards }) => {
  const t = s.target;
  if (!t?.board || !boards) return;
  if (t.board.name === 'custom') {
    const missing = [!t.ram && 'ram', !t.flash && 'flash', !t.core && 'core', !t.clockHz && 'clock'].filter(
      Boolean,
    );
    if (missing.length)
      report(
        diag(
          t.board.span,
          'custom-target',
          `a custom target needs ${missing.join(', ')} (e.g. target custom { core cortex-m4  clock 80 MHz  ram 128 KB  flash 512 KB })`,
        ),
      );
    return;
  }
  const b = boards.find(t.board.name);
  if (!b) {
    report(
      unknownWord(
        t.board.span,
        t.board.name,
        [...boards.ids(), 'custom'],
        'a board from the catalogue, or custom',
      ),
    );
    return;
  }
  // A constraint the board itself cannot meet is almost certainly a typo in the unit.
  for (const c of s.constraints) {
    const m = c.metric.value;
    const cap =
      m === 'ram' || m === 'arena'
        ? (t.ram?.value ?? b.ramBytes)
        : m === 'flash'
          ? (t.flash?.value ?? b.flashBytes)
          : undefined;
    if (cap !== undefined && c.limit.value > cap) {
      report(
        diag(
          c.limit.span,
          'exceeds-board',
          `${m} limit ${formatBytes(c.limit.value)} is more than ${b.name} has (${formatBytes(cap)})`,
          'warning',
        ),
      );
    }
  }
};

const references: Check<SearchDecl> = (s, { report, document }) => {
  if (s.space?.kind === 'space-ref') {
    const name = s.space.ref.name;
    if (!document.spaces.some((x) => x.name?.name === name)) {
      report(
        unknownWord(
          s.space.ref.span,
          name,
          document.spaces.flatMap((x) => (x.name ? [x.name.name] : [])),
          'a top-level space',
        ),
      );
    }
  }
  for (const b of s.baselines) {
    if (!document.models.some((m) => m.name.name === b.name))
      report(
        unknownWord(
          b.span,
          b.name,
          document.models.map((m) => m.name.name),
          'a model in this file',
        ),
      );
  }
};

const baselinesFitDataset: Check<SearchDecl> = (s, { report, document, graphs }) => {
  const d = s.dataset;
  if (!d) return;
  const input = datasetInput(d);
  const classes = datasetClasses(d);
  for (const b of s.baselines) {
    const m = document.models.find((x) => x.name.name === b.name);
    const g = m && graphs.get(m);
    if (!m?.input || !g) continue;
    if (input && m.input.value.join('x') !== input.join('x')) {
      report(
        diag(
          b.span,
          'baseline-input',
          `baseline '${b.name}' takes ${m.input.value.join('x')} but the dataset is ${input.join('x')}`,
        ),
      );
    }
    const out = g.nodes[g.output]?.shape;
    if (classes && out && (out.length !== 1 || out[0] !== classes)) {
      report(
        diag(
          b.span,
          'baseline-output',
          `baseline '${b.name}' outputs ${out.join('x')} values but the dataset has ${classes} classes`,
        ),
      );
    }
  }
};

const strategySanity: Check<SearchDecl> = (s, { report }) => {
  const st = s.strategy;
  if (!st) return;
  if (st.kind.value === 'random' && (st.population || st.sample)) {
    report(
      diag(
        (st.population ?? st.sample)!.span,
        'strategy',
        'random search has no population or sample; they are ignored',
        'warning',
      ),
    );
  }
  if (st.kind.value === 'bayesian' && (st.population || st.sample))
    report(
      diag(
        (st.population ?? st.sample)!.span,
        'strategy',
        'Bayesian optimisation has no population or sample (it uses `initial`); they are ignored',
        'warning',
      ),
    );
  if (st.initial && st.kind.value !== 'bayesian')
    report(diag(st.initial.span, 'strategy', '`initial` is for strategy bayesian; it is ignored', 'warning'));
  if (st.population && st.sample && st.sample.value > st.population.value) {
    report(
      diag(
        st.sample.span,
        'strategy',
        `sample (${st.sample.value}) cannot exceed population (${st.population.value})`,
      ),
    );
  }
  if (st.population && st.rounds && st.rounds.value < st.population.value) {
    report(
      diag(
        st.rounds.span,
        'strategy',
        `rounds (${st.rounds.value}) is below population (${st.population.value}): the search would end during the random initial population`,
        'warning',
      ),
    );
  }
};

/** The pruning window must start within training; an end past it is clipped (said as a warning). */
const pruningWindow: Check<SearchDecl> = (s, { report }) => {
  const w = s.pruning?.epochs;
  if (!w) return;
  const epochs = s.train?.epochs?.value ?? 10;
  if (w.value.min > epochs)
    report(diag(w.span, 'pruning-window', `the pruning window starts after training ends (epoch ${epochs})`));
  else if (w.value.max > epochs)
    report(
      diag(
        w.span,
        'pruning-window',
        `the pruning window ends after training (epoch ${epochs}); it is clipped to ${w.value.min}..${epochs}`,
        'warning',
      ),
    );
};

const modelInput: Check<ModelDecl> = (m, { report }) => {
  if (!m.input)
    report(
      diag(m.name.span, 'missing-section', `model '${m.name.name}' needs an input shape, e.g. input 28x28x1`),
    );
};

const modelShapes: Check<ModelDecl> = (m, { report, graphs }) => {
  if (!m.input) return;
  const built = graphFromLayers(m.input.value, m.layers);
  (graphs as Map<ModelDecl, ArchGraph>).set(m, built.graph);
  for (const e of built.errors)
    report(
      diag(
        e.origin?.start !== undefined
          ? { start: e.origin.start, end: e.origin.end ?? e.origin.start }
          : m.name.span,
        'shape',
        e.message,
      ),
    );
  if (built.graph.nodes.length > MAX_ESTIMATED_NODES)
    report(
      diag(
        m.name.span,
        'estimates-skipped',
        `model '${m.name.name}' has ${built.graph.nodes.length - 1} layers: resource estimates are skipped above ${MAX_ESTIMATED_NODES}`,
        'info',
      ),
    );
};

const spaceSanity: Check<SpaceDecl> = (sp, { report }) => {
  const types = sp.types?.value.map((x) => x.value) ?? [];
  if (sp.kernels && types.length && types.every((t) => t === 'conv1x1')) {
    report(
      diag(sp.kernels.span, 'unused', 'kernel has no effect: the space only has conv1x1 layers', 'warning'),
    );
  }
};

export const DEFAULT_CHECKS: Checks = {
  document: [uniqueNames],
  search: [
    searchRequired,
    datasetFields,
    audioFields,
    targetCore,
    targetBoard,
    references,
    baselinesFitDataset,
    strategySanity,
    pruningWindow,
  ],
  // modelShapes must run before checks that read graphs (search checks run after models).
  model: [modelInput, modelShapes],
  space: [spaceSanity],
};

/** Runs every check; returns the model graphs it built on the way. */
export function validate(
  document: UnasDocument,
  report: Report,
  options: { boards?: BoardLookup; checks?: Checks } = {},
): Map<ModelDecl, ArchGraph> {
  const checks = options.checks ?? DEFAULT_CHECKS;
  const graphs = new Map<ModelDecl, ArchGraph>();
  const ctx: ValidationContext = {
    document,
    report,
    graphs,
    ...(options.boards ? { boards: options.boards } : {}),
  };
  for (const c of checks.document) c(document, ctx);
  for (const m of document.models) for (const c of checks.model) c(m, ctx);
  const spaces = [
    ...document.spaces,
    ...document.searches.flatMap((s) => (s.space?.kind === 'space' ? [s.space] : [])),
  ];
  for (const sp of spaces) for (const c of checks.space) c(sp, ctx);
  for (const s of document.searches) for (const c of checks.search) c(s, ctx);
  return graphs;
}
