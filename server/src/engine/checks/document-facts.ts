import type { Analysis } from '../language/analyze.js';
import { LineIndex } from '../language/positions.js';
import type { Span } from '../language/syntax-tree.js';
import type { CheckEnvironment } from './environment.js';

/**
 * One version of one document and everything derived from it, computed lazily once: its analysis,
 * model estimates, search targets, space bounds and resource findings. The language server keeps
 * one per open version (its DocumentState extends this); the CLI makes one per file.
 */
export class DocumentFacts {
  private analysed: Analysis | undefined;
  private readonly derived = new Map<string, unknown>();
  private index: LineIndex | undefined;

  constructor(
    readonly text: string,
    readonly env: CheckEnvironment,
    /** The file's path, against which relative dataset paths resolve; none for an unsaved buffer. */
    readonly file?: string,
  ) {}

  get analysis(): Analysis {
    return (this.analysed ??= this.env.language.analyze(this.text));
  }

  /** 1-based line of an offset, for messages ("peak at conv2d_1, line 12"). */
  lineOf(offset: number): number {
    return (this.index ??= new LineIndex(this.text)).position(offset).line + 1;
  }

  /** Derived data, computed once per version under `key`. */
  memo<T>(key: string, compute: () => T): T {
    if (this.derived.has(key)) return this.derived.get(key) as T;
    const v = compute();
    this.derived.set(key, v);
    return v;
  }

  /** Whether an error-severity diagnostic lies within `span` (its lowering or shapes failed there). */
  hasErrorsIn(span: Span): boolean {
    const errors = this.memo('error-spans', () =>
      this.analysis.diagnostics.filter((d) => d.severity === 'error'),
    );
    return errors.some((d) => d.start >= span.start && d.start < span.end);
  }
}
