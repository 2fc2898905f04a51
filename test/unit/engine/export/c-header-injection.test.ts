import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cArrayFiles, commentText } from '../../../../server/src/engine/export/c-array.js';

/** A run-folder path or board name is untrusted: it must never add lines to the generated C. */

const HOSTILE = 'runs/x\n#error injected\r\n#define g_candidate_7_model_len 0\u2028 trailing\\';

const files = cArrayFiles({
  name: 'candidate_7',
  bytes: Uint8Array.from({ length: 8 }, (_, i) => i),
  arena: {
    order: 'optimal',
    tensors: 1000,
    scratch: 96,
    tail: 1800,
    total: 2896,
    host64: { scratch: 0, tail: 3000, total: 4000 },
  },
  input: { scale: 1 / 255, zeroPoint: -128 },
  output: { scale: 1 / 256, zeroPoint: -128 },
  source: `${HOSTILE}, candidate 7`,
  board: 'board??/\nint oops;',
});

describe('C header generation', () => {
  it('keeps hostile text inside its comment line', () => {
    const lines = files.header.split('\n');
    expect(lines.filter((l) => l.includes('injected'))).toEqual([
      expect.stringMatching(
        /^\/\/ candidate_7: .* from runs\/x<U\+000A>#error injected<U\+000D><U\+000A>#define/,
      ),
    ]);
    expect(lines.some((l) => /^#(error|define g_)/.test(l))).toBe(false);
    expect(lines.some((l) => /\\$|\?\?\/$/.test(l))).toBe(false);
    expect(commentText('a\\')).toBe('a/');
    expect(commentText('a??/')).toBe('a?/');
  });

  const clang = (() => {
    try {
      execFileSync('clang++', ['--version']);
      return true;
    } catch {
      return false;
    }
  })();
  it.skipIf(!clang)('compiles: nothing from the path reached the preprocessor', () => {
    const dir = mkdtempSync(join(tmpdir(), 'unas-inject-'));
    writeFileSync(join(dir, files.headerName), files.header);
    writeFileSync(join(dir, files.sourceName), files.source);
    execFileSync(
      'clang++',
      ['-std=c++17', '-trigraphs', '-fsyntax-only', '-Werror', join(dir, files.sourceName)],
      {
        cwd: dir,
        stdio: 'pipe',
      },
    );
  });
});
