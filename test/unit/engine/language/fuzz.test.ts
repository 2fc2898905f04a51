import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../../server/src/engine/language/analyze.js';
import { parseSyntax } from '../../../../server/src/engine/language/parser.js';
import { mulberry32, type Rng } from '../../../../server/src/engine/rng/seeded-rng.js';
import { FUZZ_PUNCTUATION, FUZZ_VALUES } from '../../../harness/hostile-documents.js';

const dir = join(__dirname, '../../../../examples');
const examples = readdirSync(dir)
  .filter((f) => f.endsWith('.unas'))
  .map((f) => readFileSync(join(dir, f), 'utf8'));

const VOCAB = [
  ...FUZZ_PUNCTUATION,
  '>=',
  '"',
  '/*',
  '//',
  '\n',
  ...FUZZ_VALUES,
  'search',
  'model',
  'add',
  'path',
  'space',
  'blocks',
  'conv2d',
  'k99',
  's0',
  'μ',
  '\u0000',
  '\ud800',
  'NaN',
];

/** One random edit of `text` at token granularity (delete, duplicate, swap, insert) or raw bytes. */
function mutate(text: string, rng: Rng): string {
  const spans = parseSyntax(text).statements.flatMap(function all(s): { start: number; end: number }[] {
    return [s.head, ...s.args, ...(s.block ? s.block.statements.flatMap(all) : [])];
  });
  const pick = () => spans[rng.int(spans.length)] ?? { start: 0, end: 0 };
  switch (rng.int(6)) {
    case 0: {
      const t = pick();
      return text.slice(0, t.start) + text.slice(t.end);
    }
    case 1: {
      const t = pick();
      return text.slice(0, t.end) + ' ' + text.slice(t.start, t.end) + text.slice(t.end);
    }
    case 2: {
      let [a, b] = [pick(), pick()];
      if (a.start > b.start) [a, b] = [b, a];
      if (a.end > b.start) return text;
      return (
        text.slice(0, a.start) +
        text.slice(b.start, b.end) +
        text.slice(a.end, b.start) +
        text.slice(a.start, a.end) +
        text.slice(b.end)
      );
    }
    case 3: {
      const at = rng.int(text.length + 1);
      return text.slice(0, at) + VOCAB[rng.int(VOCAB.length)] + text.slice(at);
    }
    case 4: {
      const at = rng.int(text.length + 1);
      const bytes = Array.from({ length: 1 + rng.int(8) }, () => String.fromCharCode(rng.int(0x3000)));
      return text.slice(0, at) + bytes.join('') + text.slice(at);
    }
    default: {
      const at = rng.int(text.length + 1);
      return text.slice(0, at) + text.slice(at + rng.int(40));
    }
  }
}

describe('fuzz: parser + validator on mutated examples', () => {
  it('never throws and keeps every diagnostic inside the document over 10,000 variants', () => {
    const rng = mulberry32(20261124);
    let variants = 0;
    let withErrors = 0;
    for (let i = 0; i < 10_000; i++) {
      let text = examples[i % examples.length]!;
      // 1–4 stacked mutations, so errors also meet other errors.
      for (let k = 1 + rng.int(4); k > 0; k--) text = mutate(text, rng);
      let result: ReturnType<typeof analyze>;
      try {
        result = analyze(text);
      } catch (e) {
        throw new Error(`analyze threw on variant ${i}: ${String(e)}\n---\n${text}`);
      }
      for (const d of result.diagnostics) {
        if (!(d.start >= 0 && d.start <= d.end && d.end <= text.length)) {
          throw new Error(
            `diagnostic out of range on variant ${i}: ${JSON.stringify(d)} (length ${text.length})`,
          );
        }
        for (const e of d.fix?.edits ?? [])
          expect(e.start >= 0 && e.start <= e.end && e.end <= text.length).toBe(true);
      }
      variants++;
      if (result.diagnostics.length) withErrors++;
    }
    expect(variants).toBe(10_000);
    // The mutations must really break things, or the test proves nothing.
    expect(withErrors).toBeGreaterThan(5_000);
  });
});
