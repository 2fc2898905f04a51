import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../../../server/src/engine/language/analyze.js';
import {
  MAX_NESTING,
  MAX_SYNTAX_ERRORS,
  MAX_TOKEN_CHARS,
  parseSyntax,
} from '../../../../server/src/engine/language/parser.js';
import { MAX_ESTIMATED_NODES } from '../../../../server/src/engine/arch/size-limits.js';
import { cli } from '../../../support/cli.js';

/** Hostile documents: each must give a located finding, never a crash, a hang or a huge allocation. */

const write = (text: string): { dir: string; file: string } => {
  const dir = mkdtempSync(join(tmpdir(), 'unas-hostile-'));
  writeFileSync(join(dir, 'h.unas'), text);
  return { dir, file: 'h.unas' };
};

const HUGE_INPUT =
  'model m {\n  input 100000000000000x1x1\n  concat { path { conv1x1 4 } path { conv1x1 4 } }\n}\n';

describe('sizes no microcontroller holds', () => {
  it('a huge input shape is a located error in check and estimate, found before anything is allocated', async () => {
    const { dir, file } = write(HUGE_INPUT);
    const check = await cli(['check', file], dir);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('h.unas:2:9 error a tensor of 100000000000000×1×1');
    const est = await cli(['estimate', file], dir);
    expect(est.code).toBe(1);
    expect(est.stderr).toContain('h.unas:2:9 error a tensor of 100000000000000×1×1');
  });

  it('uses exact arithmetic: a product past 2^53 is not rounded into range', () => {
    // 2^27 · 2^27 · 2^27 rounds to nothing small, but a float product of many dims can wrap through Infinity.
    const a = analyze('model m { input 134217728x134217728x134217728 gap dense 2 }');
    expect(a.diagnostics.map((d) => d.message)).toContainEqual(expect.stringMatching(/larger than any/));
    const b = analyze(`model m { input ${'9'.repeat(400)}x1 gap dense 2 }`);
    expect(b.diagnostics.map((d) => d.message)).toContainEqual(
      expect.stringMatching(/^a tensor of 999999…\(400 digits\)×1 .*larger than any/),
    );
  });

  it('tensors and weights grown by layers are errors on the layer', () => {
    const a = analyze('model m {\n  input 10000x10000x1\n  conv2d 65536 k15\n}\n');
    expect(a.diagnostics).toHaveLength(1);
    expect(a.diagnostics[0]).toMatchObject({ severity: 'error', code: 'shape', start: 34 });
    const dense = analyze('model m { input 16384x1x1 flatten dense 1048576 }');
    expect(dense.diagnostics.map((d) => d.message)).toContainEqual(
      expect.stringMatching(/weights, more than/),
    );
  });
});

describe('nesting, token length and error count are bounded', () => {
  for (const depth of [400, 5000, 100_000]) {
    it(`${depth} nested blocks give a located error`, async () => {
      const text = `model m {\n${'add { path { '.repeat(depth)}${'} '.repeat(2 * depth)}\n}\n`;
      const a = analyze(text);
      const deep = a.diagnostics.find((d) => d.message.includes(`nested more than ${MAX_NESTING} deep`));
      expect(deep).toBeDefined();
      expect(text.slice(deep!.start, deep!.start + 1)).toBe('{');
      const { dir, file } = write(text);
      const r = await cli(['check', file], dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('blocks are nested more than');
    });
  }

  for (const [name, text] of [
    ['word', 'a'.repeat(8_000_000)],
    ['shape', `${'1x'.repeat(4_000_000)}1`],
    ['string', `"${'a'.repeat(8_000_000)}"`],
    ['number', '1'.repeat(8_000_000)],
  ] as const) {
    it(`an 8 MB ${name} is one located error with a short message`, () => {
      const s = parseSyntax(`model m { input ${text} }`);
      expect(s.errors).toEqual([
        {
          message: `this token is ${text.length} characters long; at most ${MAX_TOKEN_CHARS} are allowed`,
          start: 16,
          end: 16 + text.length,
        },
      ]);
      const a = analyze(`search ${text}`);
      expect(Math.max(...a.diagnostics.map((d) => d.message.length))).toBeLessThan(300);
    });
  }

  it('an unterminated line of escaped quotes is one token, scanned once (a retried regex was quadratic)', () => {
    const text = `"${'\\"'.repeat(40_000)}`;
    expect(parseSyntax(text).errors).toEqual([
      {
        message: `this token is ${text.length} characters long; at most ${MAX_TOKEN_CHARS} are allowed`,
        start: 0,
        end: text.length,
      },
    ]);
  });

  it('a junk document of 200,000 tokens gets a bounded list of errors', () => {
    const a = analyze('.. '.repeat(200_000));
    expect(a.diagnostics).toHaveLength(MAX_SYNTAX_ERRORS + 1);
    expect(a.diagnostics.at(-1)!.message).toBe(
      `${200_000 - MAX_SYNTAX_ERRORS} more syntax errors after this one are not shown`,
    );
  });
});

describe('huge documents', () => {
  it('a model of 65,000 layers is analysed, and its estimate skipped with an information diagnostic', async () => {
    const text = `model m { input 8x8x1 ${Array.from({ length: 65_000 }, () => 'conv1x1 4').join(' ')} }`;
    const a = analyze(text);
    expect(a.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'info',
        code: 'estimates-skipped',
        message: `model 'm' has 65000 layers: resource estimates are skipped above ${MAX_ESTIMATED_NODES}`,
      }),
    ]);
    const { dir, file } = write(text);
    const r = await cli(['estimate', file], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("model 'm' has 65000 layers: not estimated");
  });
});
