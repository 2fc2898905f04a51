import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import { DATASET_KINDS, type DatasetKind } from '../engine/language/ast.js';
import { specOf, type ContextId } from '../engine/language/schema.js';
import {
  boardMarkdown,
  coreMarkdown,
  datasetMarkdown,
  keywordMarkdown,
  NON_LAYER_MODEL_HEADS,
  unitMarkdown,
} from './catalogue-text.js';
import type { DocumentState } from './document-state.js';
import { boundsMarkdown, layerMarkdown, modelMarkdown } from './estimate-text.js';
import {
  modelEstimate,
  searchSpaceEstimate,
  searchTarget,
  spaceDeclEstimate,
  type ModelEstimate,
} from '../engine/checks/estimates.js';
import { frontEndMarkdown, searchFrontEnd } from './front-end.js';
import { locate, type SyntaxLocation } from './syntax-locate.js';
import { occurrenceAt, type Occurrence } from './symbol-index.js';
import { metricDoc, modifierDoc, slotOf, WORD_DOCS } from './vocabulary.js';

/**
 * Hovers: a model's (or a baseline's) per-layer breakdown and peak tensor set; a layer's own
 * figures; keyword documentation from the schema; boards, datasets, units, cores and values.
 */
export function hover(state: DocumentState, position: Position): Hover | null {
  const offset = state.offset(position);
  const tree = state.analysis.document.syntax;
  const at = locate(tree, offset);
  if (at.inComment) return null;
  const sym = occurrenceAt(state, offset);
  const value = sym
    ? symbolMarkdown(state, sym)
    : at.atom && at.statement
      ? atomMarkdown(state, at.context, at.statement.head.text, at)
      : undefined;
  if (!value) return null;
  const span = sym?.span ?? at.atom!;
  return { contents: { kind: MarkupKind.Markdown, value }, range: state.range(span) };
}

function symbolMarkdown(state: DocumentState, o: Occurrence): string | undefined {
  const doc = state.analysis.document;
  if (o.kind === 'model') {
    const model = doc.models.find((m) => m.name.name === o.name);
    if (!model) return undefined;
    // On `baseline NAME`, estimate on the search's target: that is what its limits are checked against.
    const search = o.declaration
      ? undefined
      : doc.searches.find((s) => s.baselines.some((b) => b.span.start === o.span.start));
    const target = search ? searchTarget(state, search)?.target : undefined;
    const e = modelEstimate(state, model, target);
    return e
      ? modelMarkdown(state, e)
      : `**model ${o.name}** — no estimate: it needs an input shape and valid layers.`;
  }
  if (o.kind === 'space') {
    const search = o.declaration
      ? undefined
      : doc.searches.find((s) => s.space?.kind === 'space-ref' && s.space.ref.span.start === o.span.start);
    const space = doc.spaces.find((s) => s.name?.name === o.name);
    const se = search
      ? searchSpaceEstimate(state, search)
      : space
        ? spaceDeclEstimate(state, space)
        : undefined;
    return se
      ? `**space ${o.name}**\n\n${boundsMarkdown(se)}`
      : `**space ${o.name}**${space ? '' : ' — not defined in this file'}`;
  }
  const search = doc.searches.find((s) => s.name.span.start === o.span.start);
  if (!search) return undefined;
  const st = searchTarget(state, search);
  const lines = [
    `**search ${o.name}**${st ? ` on ${st.target.board?.name ?? st.target.label}${st.target.isDefault ? ' (default target)' : ''}` : ''}`,
  ];
  if (search.constraints.length) {
    lines.push(
      '',
      search.constraints
        .map(
          (c) =>
            `- ${c.metric.value} ${c.op} ${state.text.slice(c.limit.span.start, c.limit.span.end)} ${c.mode}`,
        )
        .join('\n'),
    );
  }
  const se = searchSpaceEstimate(state, search);
  if (se) lines.push('', boundsMarkdown(se));
  return lines.join('\n');
}

function atomMarkdown(
  state: DocumentState,
  context: ContextId,
  head: string,
  at: SyntaxLocation,
): string | undefined {
  const st = at.statement!;
  const atom = at.atom!;
  if (at.inHead) {
    const spec = specOf(context, head);
    if (!spec) return undefined;
    const parts = [keywordMarkdown(spec)];
    if (context === 'constraints') parts.push(metricDoc(head) ?? '');
    if ((context === 'dataset' && head === 'features') || (context === 'search' && head === 'dataset')) {
      const search = state.analysis.document.searches.find(
        (s) => s.span.start <= st.start && st.start < s.span.end,
      );
      const f = search && searchFrontEnd(state, search);
      if (f) parts.push(frontEndMarkdown(f));
    }
    if (context === 'model' && !NON_LAYER_MODEL_HEADS.has(head)) {
      const e = modelOf(state, st.start);
      const nodes = e?.byStatement.get(st.start);
      if (e && nodes?.length) parts.push(layerMarkdown(state, e, nodes));
    }
    if (context === 'document' && head === 'model') {
      const model = state.analysis.document.models.find((m) => m.span.start === st.start);
      const e = model && modelEstimate(state, model);
      if (e) parts.push(modelMarkdown(state, e));
    }
    return parts.filter(Boolean).join('\n\n---\n\n');
  }
  if (atom.kind !== 'word') return undefined;
  const slot = slotOf(context, head, st.args, atom);
  const word = atom.text;
  switch (slot?.kind) {
    case 'board': {
      const b = state.services.boards.find(word);
      return b ? boardMarkdown(b, state.services.boards.budget(b)) : WORD_DOCS[word];
    }
    case 'dataset':
      return (DATASET_KINDS as readonly string[]).includes(word)
        ? datasetMarkdown(word as DatasetKind)
        : undefined;
    case 'unit':
      return unitMarkdown(word);
    case 'metric':
      return metricDoc(word) ? `**${word}** — ${metricDoc(word)}` : undefined;
    case 'core':
      return coreMarkdown(word);
    case 'modifier':
      return modifierDoc(word);
    case 'choice':
    case 'mode':
      return WORD_DOCS[word] ? `**${word}** — ${WORD_DOCS[word]}` : undefined;
    default:
      return unitMarkdown(word) ?? (WORD_DOCS[word] ? `**${word}** — ${WORD_DOCS[word]}` : undefined);
  }
}

/** The estimate of the model that holds the layer statement at `start`. */
function modelOf(state: DocumentState, start: number): ModelEstimate | undefined {
  const model = state.analysis.document.models.find((m) => m.span.start <= start && start < m.span.end);
  return model ? modelEstimate(state, model) : undefined;
}
