import type { Atom, Span, Statement } from './syntax-tree.js';
import { diag, type Report } from './diagnostics.js';
import { suggest } from './did-you-mean.js';
import { tensorTooBig } from '../arch/size-limits.js';
import { BARE_ALLOWED, caseFix, dimensionOf, EXAMPLE_UNIT, unitFactor, type Dimension } from './units.js';

/** A value with the span it was written at. */
export interface Located<T> {
  readonly value: T;
  readonly span: Span;
}

export const spanOf = (atoms: readonly Atom[], fallback: Span): Span =>
  atoms.length ? { start: atoms[0]!.start, end: atoms[atoms.length - 1]!.end } : fallback;

/**
 * Typed reading of a statement's argument atoms. Every reader reports what is wrong with the exact
 * span and returns undefined, so lowering goes on and reports every problem in one pass.
 */
export class Args {
  private pos = 0;
  constructor(
    readonly atoms: readonly Atom[],
    /** Where to report a missing value: just after the statement's head. */
    private readonly anchor: Span,
    private readonly report: Report,
    private readonly what: string,
  ) {}

  static of(st: Statement, report: Report): Args {
    return new Args(st.args, st.head, report, st.head.text);
  }

  get empty(): boolean {
    return this.pos >= this.atoms.length;
  }
  peek(offset = 0): Atom | undefined {
    return this.atoms[this.pos + offset];
  }
  next(): Atom | undefined {
    return this.atoms[this.pos++];
  }

  private missing(expected: string): undefined {
    const at = this.peek() ?? { start: this.anchor.end, end: this.anchor.end };
    this.report(diag(this.peek() ? at : this.anchor, 'missing-value', `${this.what} needs ${expected}`));
    return undefined;
  }

  /** Reports everything not consumed, once, as one span. */
  done(): void {
    if (this.empty) return;
    const rest = this.atoms.slice(this.pos);
    this.pos = this.atoms.length;
    const text = rest.map((a) => a.text).join(' ');
    this.report(
      diag(
        spanOf(rest, this.anchor),
        'unexpected-value',
        `unexpected '${text.length > 30 ? `${text.slice(0, 30)}…` : text}' after ${this.what}`,
      ),
    );
  }

  number(expected = 'a number'): Located<number> | undefined {
    const a = this.peek();
    if (a?.kind !== 'number') return this.missing(expected);
    this.pos++;
    return { value: Number(a.text), span: a };
  }

  int(
    min: number,
    max: number,
    expected = `a whole number from ${min} to ${max}`,
  ): Located<number> | undefined {
    const n = this.number(expected);
    if (!n) return undefined;
    if (!Number.isInteger(n.value) || n.value < min || n.value > max) {
      this.report(diag(n.span, 'out-of-range', `${this.what} must be ${expected}, not ${n.value}`));
      return undefined;
    }
    return n;
  }

  /** `10%` or a plain fraction `0.1`, in [min, max] as a fraction. */
  fraction(min = 0, max = 1): Located<number> | undefined {
    const n = this.number('a percentage such as 10% or a fraction such as 0.1');
    if (!n) return undefined;
    let value = n.value;
    let span: Span = n.span;
    if (this.peek()?.kind === 'percent') {
      value /= 100;
      span = { start: n.span.start, end: this.next()!.end };
    }
    if (value < min || value > max) {
      this.report(diag(span, 'out-of-range', `${this.what} must be between ${min * 100}% and ${max * 100}%`));
      return undefined;
    }
    return { value, span };
  }

  /** A number with a unit of `dim`, converted to the canonical unit. */
  quantity(dim: Dimension): Located<number> | undefined {
    const n = this.number(`a ${dimName(dim)} such as 8 ${EXAMPLE_UNIT[dim]}`);
    if (!n) return undefined;
    const u = this.peek();
    if (u?.kind === 'word') {
      const f = unitFactor(dim, u.text);
      if (f !== undefined) {
        this.pos++;
        return { value: n.value * f, span: { start: n.span.start, end: u.end } };
      }
      const fixed = caseFix(dim, u.text);
      if (fixed) {
        this.pos++;
        this.report(
          diag(u, 'unit', `unknown unit '${u.text}': did you mean '${fixed}'?`, 'error', {
            title: `Change to '${fixed}'`,
            edits: [{ start: u.start, end: u.end, text: fixed }],
          }),
        );
        return undefined;
      }
      const other = dimensionOf(u.text);
      if (other) {
        this.pos++;
        this.report(
          diag(
            u,
            'unit',
            `'${u.text}' is a ${dimName(other)} unit, but ${this.what} needs a ${dimName(dim)} (${Object.keys(unitsHint(dim)).join(', ')})`,
          ),
        );
        return undefined;
      }
    }
    if (BARE_ALLOWED[dim]) return n;
    this.report(
      diag(n.span, 'unit', `${this.what} needs a unit: ${Object.keys(unitsHint(dim)).join(', ')}`, 'error', {
        title: `Add unit '${EXAMPLE_UNIT[dim]}'`,
        edits: [{ start: n.span.end, end: n.span.end, text: ` ${EXAMPLE_UNIT[dim]}` }],
      }),
    );
    return undefined;
  }

  /** `a..b` or a single `a` (= `a..a`), whole numbers within [min, max]. */
  intRange(min: number, max: number): Located<{ min: number; max: number }> | undefined {
    const lo = this.int(min, max);
    if (!lo) {
      this.skipRange();
      return undefined;
    }
    if (this.peek()?.kind !== 'dotdot') return { value: { min: lo.value, max: lo.value }, span: lo.span };
    this.pos++;
    const hi = this.int(min, max);
    if (!hi) return undefined;
    const span = { start: lo.span.start, end: hi.span.end };
    if (hi.value < lo.value) {
      this.report(
        diag(
          span,
          'empty-range',
          `empty range ${lo.value}..${hi.value}: the first bound must not exceed the second`,
          'error',
          {
            title: `Swap to ${hi.value}..${lo.value}`,
            edits: [
              { start: lo.span.start, end: lo.span.end, text: String(hi.value) },
              { start: hi.span.start, end: hi.span.end, text: String(lo.value) },
            ],
          },
        ),
      );
      return undefined;
    }
    return { value: { min: lo.value, max: hi.value }, span };
  }

  private skipRange(): void {
    if (this.peek()?.kind === 'dotdot') {
      this.pos++;
      if (this.peek()?.kind === 'number') this.pos++;
    }
  }

  shape(): Located<number[]> | undefined {
    const a = this.peek();
    if (a?.kind === 'shape') {
      this.pos++;
      const parts = a.text.split('x');
      const dims = parts.map(Number);
      if (dims.some((d) => d < 1)) {
        this.report(diag(a, 'out-of-range', `every dimension of ${a.text} must be at least 1`));
        return undefined;
      }
      // Exact on the digits: a huge shape must be an error here, before anything is sized by it.
      const tooBig = tensorTooBig(parts.map((d) => d.replace(/^0+(?=\d)/, '')));
      if (tooBig) {
        this.report(diag(a, 'out-of-range', tooBig));
        return undefined;
      }
      return { value: dims, span: a };
    }
    if (a?.kind === 'number' && Number.isInteger(Number(a.text)) && Number(a.text) > 0) {
      this.pos++;
      const tooBig = tensorTooBig([Number(a.text)]);
      if (tooBig) {
        this.report(diag(a, 'out-of-range', tooBig));
        return undefined;
      }
      return { value: [Number(a.text)], span: a };
    }
    return this.missing('a shape such as 28x28x1');
  }

  string(): Located<string> | undefined {
    const a = this.peek();
    if (a?.kind !== 'string') return this.missing('a quoted path such as "data/train"');
    this.pos++;
    return { value: unquote(a.text), span: a };
  }

  /** Any word (a name). */
  name(expected = 'a name'): Located<string> | undefined {
    const a = this.peek();
    if (a?.kind !== 'word') return this.missing(expected);
    this.pos++;
    return { value: a.text, span: a };
  }

  /** One of `choices`, with a "did you mean" and a quick fix when one is close. */
  word<T extends string>(
    choices: readonly T[],
    expected = `one of ${choices.join(', ')}`,
  ): Located<T> | undefined {
    const a = this.peek();
    if (a?.kind !== 'word') return this.missing(expected);
    this.pos++;
    if ((choices as readonly string[]).includes(a.text)) return { value: a.text as T, span: a };
    this.report(unknownWord(a, a.text, choices, `${this.what} takes ${expected}`));
    return undefined;
  }

  /** A comparison operator (`<=`, `<`; `≤` accepted). */
  compare(): Located<'<=' | '<'> | undefined {
    const a = this.peek();
    if (a?.kind !== 'compare') return undefined;
    this.pos++;
    if (a.text === '<=' || a.text === '≤') return { value: '<=', span: a };
    if (a.text === '<') return { value: '<', span: a };
    this.report(
      diag(a, 'compare', `a constraint is an upper limit: use '<=' (found '${a.text}')`, 'error', {
        title: "Change to '<='",
        edits: [{ start: a.start, end: a.end, text: '<=' }],
      }),
    );
    return { value: '<=', span: a };
  }

  /** Splits the remaining atoms at top-level `sep` atoms (`|` or `,`), consuming all. */
  split(sep: 'pipe' | 'comma'): Args[] {
    const parts: Args[] = [];
    let cur: Atom[] = [];
    const rest = this.atoms.slice(this.pos);
    this.pos = this.atoms.length;
    let lastSep: Atom | undefined;
    for (const a of rest) {
      if (a.kind === sep) {
        if (!cur.length) this.report(diag(a, 'empty-choice', `nothing before '${a.text}'`));
        else parts.push(new Args(cur, a, this.report, this.what));
        cur = [];
        lastSep = a;
      } else cur.push(a);
    }
    if (cur.length) parts.push(new Args(cur, lastSep ?? this.anchor, this.report, this.what));
    else if (lastSep) this.report(diag(lastSep, 'empty-choice', `nothing after '${lastSep.text}'`));
    return parts;
  }

  /** A trailing weight `30%` on a choice. */
  weight(): Located<number> | undefined {
    const a = this.peek();
    const b = this.peek(1);
    if (a?.kind === 'number' && b?.kind === 'percent') return this.fraction(0, 1);
    return undefined;
  }
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };

/** `"a\"b"` → `a"b`; an unknown escape keeps its character (Windows paths stay usable). */
export function unquote(text: string): string {
  return text.slice(1, -1).replace(/\\(.)/gs, (m: string, c: string) => ESCAPES[c] ?? m);
}

export function unknownWord(span: Span, whole: string, choices: Iterable<string>, context: string) {
  const s = suggest(whole, choices);
  const word = whole.length > 40 ? `${whole.slice(0, 40)}…` : whole;
  return s
    ? diag(span, 'unknown-word', `unknown '${word}': did you mean '${s}'? (${context})`, 'error', {
        title: `Change to '${s}'`,
        edits: [{ start: span.start, end: span.end, text: s }],
      })
    : diag(span, 'unknown-word', `unknown '${word}' (${context})`);
}

function dimName(d: Dimension): string {
  return d === 'bytes' ? 'size' : d === 'count' ? 'count' : d === 'time' ? 'duration' : 'frequency';
}

function unitsHint(d: Dimension): Record<string, number> {
  const all: Record<Dimension, Record<string, number>> = {
    bytes: { B: 1, KB: 1, MB: 1 },
    count: { K: 1, M: 1, G: 1 },
    time: { us: 1, ms: 1, s: 1 },
    frequency: { kHz: 1, MHz: 1, GHz: 1 },
  };
  return all[d];
}
