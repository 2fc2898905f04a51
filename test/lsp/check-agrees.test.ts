import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../support/cli.js';
import { LspClient, ROOT } from '../harness/lsp-client.js';

/**
 * The editor and `unas check` present one list of findings (the engine's checks): the same
 * file, driven through the language server and through the CLI, gives the same lines.
 */
let client: LspClient;
beforeAll(async () => {
  ({ client } = await LspClient.start());
});
afterAll(async () => {
  expect(await client.stop()).toBe(0);
});

const FIXTURES = 'test/fixtures/checks';
const SEVERITY = ['', 'error', 'warning', 'info', 'hint'];

async function editor(file: string): Promise<string[]> {
  const uri = await client.open(readFileSync(join(ROOT, file), 'utf8'));
  const got = await client.diagnostics(uri, 1);
  await client.close(uri);
  return got.map(
    (d) =>
      `${file}:${d.range.start.line + 1}:${d.range.start.character + 1} ${SEVERITY[d.severity ?? 1]} ${d.message}`,
  );
}

describe('the editor, unas check, unas estimate and unas search agree', () => {
  it.each([
    [
      'space-too-small.unas',
      /^test\/fixtures\/checks\/space-too-small\.unas:11:14 error no architecture of this search space meets ram <= 3 KB: the smallest needs/,
    ],
    [
      'model-over-board.unas',
      /^test\/fixtures\/checks\/model-over-board\.unas:2:7 error arena .* exceeds the .* of RAM Arduino Zero leaves for the model by/,
    ],
  ])('%s: exit 1 with the located error the editor shows', async (name, expected) => {
    const file = `${FIXTURES}/${name}`;
    const r = await cli(['check', file], ROOT);
    const lines = r.stdout.split('\n').filter(Boolean);
    expect(r.code).toBe(1);
    expect(lines).toEqual(await editor(file));
    expect(lines.filter((l) => l.includes(' error '))).toEqual([expect.stringMatching(expected)]);
    // `unas estimate` prints the same errors (on stderr, its figures on stdout) and fails too.
    const e = await cli(['estimate', file], ROOT);
    expect(e.code).toBe(1);
    expect(e.stderr.split('\n').filter(Boolean)).toEqual(lines.filter((l) => l.includes(' error ')));
    // `unas search` refuses to start on them, with the same lines.
    const r2 = await cli(['search', file, '--budget', '1'], ROOT);
    expect(r2.code).toBe(1);
    expect(r2.stderr.split('\n').filter(Boolean)).toEqual([
      ...lines.filter((l) => l.includes(' error ')),
      'unas search: fix the errors above first',
    ]);
  });

  const examples = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.unas'));
  it.each(examples)(
    'examples/%s: the same findings in both, none an error or a warning, and unas estimate passes it too',
    async (name) => {
      const file = `examples/${name}`;
      const r = await cli(['check', file], ROOT);
      const lines = r.stdout.split('\n').filter(Boolean);
      expect([r.code, r.stderr]).toEqual([0, '']);
      expect(lines).toEqual(await editor(file));
      // At most information (a baseline over a soft limit, say), which the example means to show.
      expect(lines.filter((l) => / (error|warning) /.test(l))).toEqual([]);
      const e = await cli(['estimate', file], ROOT);
      expect([e.code, e.stderr]).toEqual([0, '']);
    },
  );
});
