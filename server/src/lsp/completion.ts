import {
  CompletionItemKind,
  CompletionTriggerKind,
  MarkupKind,
  type CompletionItem,
  type CompletionList,
  type Position,
  type Range,
} from 'vscode-languageserver';
import { DATASET_KINDS, METRICS } from '../engine/language/ast.js';
import { SCHEMA, type ContextId } from '../engine/language/schema.js';
import { EXAMPLE_UNIT, UNITS } from '../engine/language/units.js';
import { CORE_IDS, CORES } from '../engine/resources/index.js';
import {
  boardDetail,
  boardMarkdown,
  datasetDetail,
  datasetMarkdown,
  keywordMarkdown,
  NON_LAYER_MODEL_HEADS,
  unitMarkdown,
} from './catalogue-text.js';
import type { DocumentState } from './document-state.js';
import { modelLabel } from './estimate-text.js';
import { modelEstimate } from '../engine/checks/estimates.js';
import { isJoiner, locate } from './syntax-locate.js';
import { metricDoc, modifierDoc, slotsAfter, WORD_DOCS, type Slot } from './vocabulary.js';

export const COMPLETION_TRIGGERS = [' ', '|', ','];

/**
 * Completion from the schema and the vocabulary: statement heads valid in the block at the cursor,
 * and after a head the values that may follow (datasets, boards with their RAM and flash, models
 * after `baseline`, spaces after `space`, units after a number, `hard`/`soft`, metrics…).
 */
export function completion(
  state: DocumentState,
  position: Position,
  trigger?: { kind: CompletionTriggerKind; character?: string },
): CompletionList | null {
  const offset = state.offset(position);
  const tree = state.analysis.document.syntax;
  const at = locate(tree, offset, true);
  if (at.inComment || at.atom?.kind === 'string') return null;
  const typing = at.atom && at.atom.kind === 'word' && at.atom.end === offset ? at.atom : undefined;
  const range: Range = state.range(
    typing ? { start: typing.start, end: offset } : { start: offset, end: offset },
  );
  const byCharacter = trigger?.kind === CompletionTriggerKind.TriggerCharacter;

  if (!at.statement || at.inHead) {
    if (byCharacter) return null;
    return {
      isIncomplete: false,
      items: headItems(
        state,
        at.context,
        range,
        at.parents.at(-1)?.block?.statements ?? tree.statements,
        at.statement,
      ),
    };
  }
  const head = at.statement.head.text;
  const slots = slotsAfter(at.context, head, at.before);
  const items = slots.flatMap((s) => slotItems(state, s, range));
  const last = at.before.at(-1);
  // A one-liner block (`constraints { ram <= 8 KB  flash <= … }`) may start the next statement here.
  if (!byCharacter && at.context !== 'model' && at.context !== 'document' && last && !isJoiner(last)) {
    const block = at.parents.at(-1)?.block?.statements ?? [];
    items.push(
      ...headItems(state, at.context, range, block, at.statement).map((i) => ({
        ...i,
        sortText: `z${i.sortText ?? i.label}`,
      })),
    );
  }
  if (!items.length && byCharacter) return null;
  return { isIncomplete: false, items };
}

function headItems(
  state: DocumentState,
  context: ContextId,
  range: Range,
  siblings: readonly { head: { text: string } }[],
  current: unknown,
): CompletionItem[] {
  const present = new Set(siblings.filter((s) => s !== current).map((s) => s.head.text));
  return SCHEMA[context]
    .filter((spec) => spec.repeatable || !present.has(spec.head))
    .map((spec, i) => ({
      label: spec.head,
      kind:
        context === 'model' && !NON_LAYER_MODEL_HEADS.has(spec.head)
          ? CompletionItemKind.Function
          : spec.block
            ? CompletionItemKind.Module
            : CompletionItemKind.Keyword,
      detail: spec.usage,
      documentation: { kind: MarkupKind.Markdown, value: keywordMarkdown(spec) },
      sortText: String(i).padStart(3, '0'),
      textEdit: { range, newText: spec.head },
    }));
}

function item(
  label: string,
  kind: CompletionItemKind,
  range: Range,
  detail?: string,
  doc?: string,
  sort?: number,
): CompletionItem {
  return {
    label,
    kind,
    ...(detail ? { detail } : {}),
    ...(doc ? { documentation: { kind: MarkupKind.Markdown, value: doc } } : {}),
    ...(sort !== undefined ? { sortText: String(sort).padStart(3, '0') } : {}),
    textEdit: { range, newText: label },
  };
}

function slotItems(state: DocumentState, slot: Slot, range: Range): CompletionItem[] {
  const doc = state.analysis.document;
  switch (slot.kind) {
    case 'dataset':
      return DATASET_KINDS.map((k, i) =>
        item(k, CompletionItemKind.EnumMember, range, datasetDetail(k), datasetMarkdown(k), i),
      );
    case 'board': {
      const boards = state.services.boards;
      const items = boards
        .list()
        .map((b, i) =>
          item(b.id, CompletionItemKind.Value, range, boardDetail(b), boardMarkdown(b, boards.budget(b)), i),
        );
      if (slot.custom)
        items.push(
          item(
            'custom',
            CompletionItemKind.Value,
            range,
            'your own core, clock, RAM and flash',
            WORD_DOCS['custom'],
            items.length,
          ),
        );
      return items;
    }
    case 'model':
      return doc.models.map((m, i) => {
        const e = modelEstimate(state, m);
        return item(
          m.name.name,
          CompletionItemKind.Class,
          range,
          e?.complete ? modelLabel(e) : 'model',
          undefined,
          i,
        );
      });
    case 'space':
      return doc.spaces.flatMap((s, i) =>
        s.name ? [item(s.name.name, CompletionItemKind.Struct, range, 'space', undefined, i)] : [],
      );
    case 'metric':
      return METRICS.filter((m) => !slot.listed.includes(m)).map((m, i) =>
        item(m, CompletionItemKind.EnumMember, range, undefined, metricDoc(m), i),
      );
    case 'core':
      return CORE_IDS.map((c, i) =>
        item(c, CompletionItemKind.EnumMember, range, CORES[c].name, CORES[c].notes, i),
      );
    case 'unit': {
      const first = EXAMPLE_UNIT[slot.dimension];
      const units = [first, ...Object.keys(UNITS[slot.dimension]).filter((u) => u !== first)];
      return units.map((u, i) => item(u, CompletionItemKind.Unit, range, undefined, unitMarkdown(u), i));
    }
    case 'choice':
      return slot.words.map((w, i) =>
        item(w, CompletionItemKind.EnumMember, range, undefined, WORD_DOCS[w], i),
      );
    case 'modifier':
      return slot.words.map((w, i) =>
        item(w, CompletionItemKind.Property, range, modifierDoc(w), undefined, i),
      );
    case 'mode':
      return ['hard', 'soft'].map((w, i) =>
        item(w, CompletionItemKind.Keyword, range, undefined, WORD_DOCS[w], i),
      );
  }
}
