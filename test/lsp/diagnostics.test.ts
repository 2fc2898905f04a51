import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSpace } from '../../server/src/engine/config/resolve-search.js';
import { formatBytes } from '../../server/src/engine/language/units.js';
import { spaceBounds } from '../../server/src/engine/resources/index.js';
import { renderDiagnostics } from '../support/render-diagnostics.js';
import { boardLookup } from '../../server/src/engine/language/board-lookup.js';
import { analyzed, engineEstimate, example, EXAMPLES } from './support/engine.js';
import { LspClient, render, ROOT, slice } from '../harness/lsp-client.js';

let client: LspClient;
beforeAll(async () => {
  ({ client } = await LspClient.start());
});
afterAll(async () => {
  expect(await client.stop()).toBe(0);
});

/** The engine's resource checks (engine/checks/resource-checks.ts), beside the analysis. */
const RESOURCE_CODES = new Set([
  'baseline-over-limit',
  'baseline-over-soft-limit',
  'baseline-over-board',
  'model-over-board',
  'space-infeasible',
]);

describe('syntax and validation diagnostics', () => {
  it.each(['mnist.unas', 'cifar10.unas', 'fashion-mnist.unas'])('%s: none', async (name) => {
    const uri = await client.open(example(name));
    expect(render(await client.diagnostics(uri, 1))).toEqual([]);
  });

  const BROKEN = [
    'search s {\n  datset mnist\n  space { blocks 5..1 }\n  constraints { ram <= 2 kb  flash <= 16 }\n}\n',
    'model m {\n  input 28x28x1\n  conv2d 8 k3 s2 relu\n  dense 10 @\n  maxpool 99\n}\n}\n',
    'search a { dataset cifar10  target nucleo-f746z  space { }\n  strategy evolution { population 4  sample 9 }\n  baseline nope\n}\nspace { }',
  ];
  it.each(BROKEN.map((t, i) => [i, t] as const))(
    'case %i: the same findings, ranges and messages as the engine',
    async (_i, text) => {
      const uri = await client.open(text);
      const got = (await client.diagnostics(uri, 1)).filter((d) => !RESOURCE_CODES.has(String(d.code)));
      expect(render(got)).toEqual(renderDiagnostics(text, { boards: boardLookup() }));
      expect(got.length).toBeGreaterThan(0);
      await client.close(uri);
    },
  );

  it('carries a certain fix in data, as LSP edits with the version', async () => {
    const text = 'search s {\n  datset mnist\n  space { }\n}\n';
    const uri = await client.open(text);
    const d = (await client.diagnostics(uri, 1)).find((x) => x.code === 'unknown-word');
    expect(d?.data).toEqual({
      version: 1,
      fix: { title: "Change to 'dataset'", edits: [{ range: d!.range, newText: 'dataset' }] },
    });
  });
});

describe('publishing', () => {
  it('follows incremental edits, one publish per version asked for, and clears on close', async () => {
    const text = example('mnist.unas');
    const uri = await client.open(text);
    expect(await client.diagnostics(uri, 1)).toEqual([]);
    const at = client.doc(uri).positionAt(text.indexOf('nucleo-f746zg'));
    const v2 = await client.change(uri, [
      { range: { start: at, end: { line: at.line, character: at.character + 13 } }, text: 'nucleo-f746z' },
    ]);
    const d2 = await client.diagnostics(uri, v2);
    expect(render(d2)).toEqual([
      `${at.line + 1}:${at.character + 1}-${at.line + 1}:${at.character + 13} error unknown 'nucleo-f746z': did you mean 'nucleo-f746zg'? (a board from the catalogue, or custom)`,
    ]);
    const v3 = await client.change(uri, [
      {
        range: {
          start: { line: at.line, character: at.character + 12 },
          end: { line: at.line, character: at.character + 12 },
        },
        text: 'g',
      },
    ]);
    expect(await client.diagnostics(uri, v3)).toEqual([]);
    const cleared = client.nextDiagnostics(uri);
    await client.close(uri);
    expect(await cleared).toEqual({ uri, diagnostics: [] });
  });

  it('coalesces a burst of edits and publishes the last version', async () => {
    const uri = await client.open('model m {\n  input 28x28x1\n}\n');
    await client.diagnostics(uri, 1);
    let v = 1;
    let at = 15;
    for (const ch of 'conv2d 4 k3') {
      v = await client.change(uri, [
        { range: { start: { line: 1, character: at }, end: { line: 1, character: at } }, text: ch },
      ]);
      at++;
    }
    // Typed on the input line: `input 28x28x1conv2d 4 k3` is wrong whatever the timing.
    const d = await client.diagnostics(uri, v);
    expect(d.length).toBeGreaterThan(0);
    expect(client.doc(uri).getText()).toContain('28x28x1conv2d 4 k3');
  });

  it('announces quiescence with the published versions', async () => {
    const uri = await client.open('model q {\n  input 8x8x1\n  gap\n}\n');
    const v = await client.replace(uri, 'model q {\n  input 8x8x1\n  gap\n  dense 2\n}\n');
    const q = await client.notification<{ documents: { uri: string; version: number }[] }>(
      'unas/quiescent',
      (p) => p.documents.some((d) => d.uri === uri && d.version === v),
    );
    expect(q.documents).toContainEqual({ uri, version: v });
  });
});

describe('resource findings', () => {
  const BASELINE = `search s {
  dataset mnist
  target nucleo-f746zg
  constraints {
    ram <= 1 KB
    flash <= 1 KB soft
    macs < 1 M
  }
  space { }
  baseline m
}

model m {
  input 28x28x1
  conv2d 8 k3 s2 relu
  maxpool 2
  gap
  dense 10
}
`;

  it('a baseline over the limits of its search: by how much, and where the peak is', async () => {
    const uri = await client.open(BASELINE);
    const got = await client.diagnostics(uri, 1);
    const { estimate: e, line } = engineEstimate(BASELINE, 'm');
    const t = e.totals;
    const peak = e.layers[e.peakNode!]!;
    let largest = e.layers[0]!;
    for (const l of e.layers) if (l.flash > largest.flash) largest = l;
    expect(render(got)).toEqual([
      `10:12-10:13 warning m: ram ${formatBytes(t.peakRam)} exceeds the 1 KB limit by ${formatBytes(t.peakRam - 1024)} (peak at ${peak.name}, line ${line(peak.node)})`,
      `10:12-10:13 info m: flash ${formatBytes(t.flash)} exceeds the soft 1 KB limit by ${formatBytes(t.flash - 1024)} (largest: ${largest.name}, line ${line(largest.node)})`,
    ]);
    const ram = got[0]!;
    expect(ram.code).toBe('baseline-over-limit');
    expect(
      ram.relatedInformation?.map((r) => [
        slice(BASELINE, r.location.range).split('\n')[0],
        r.message.split(':')[0],
      ]),
    ).toEqual([
      ['ram <= 1 KB', 'the ram limit'],
      [BASELINE.split('\n')[line(peak.node) - 1]!.trim(), 'peak'],
    ]);
  });

  it('a model over the RAM its target board leaves for it', async () => {
    const text =
      'model big {\n  input 64x64x3\n  target arduino-zero\n  conv2d 32 k3 same relu\n  conv2d 32 k3 same relu\n  gap\n  dense 10\n}\n';
    const uri = await client.open(text);
    const { estimate: e, line } = engineEstimate(text, 'big', 'arduino-zero');
    const peak = e.layers[e.peakNode!]!;
    const arena = e.totals.arena.total;
    expect(render(await client.diagnostics(uri, 1))).toEqual([
      `1:7-1:10 error arena ${formatBytes(arena)} exceeds the ${formatBytes(e.budget!.ram)} of RAM Arduino Zero leaves for the model by ${formatBytes(arena - e.budget!.ram)} (peak at ${peak.name}, line ${line(peak.node)})`,
    ]);
  });

  it('a model target that is not a board: a warning with its fix', async () => {
    const uri = await client.open('model m {\n  input 8x8x1\n  target arduino-zer\n  gap\n}\n');
    const [d, ...rest] = await client.diagnostics(uri, 1);
    expect(rest).toEqual([]);
    expect(render([d!])).toEqual([
      "3:10-3:21 warning unknown 'arduino-zer': did you mean 'arduino-zero'? (a board from the catalogue; estimates use the default board)",
    ]);
    expect((d!.data as { fix: { title: string } }).fix.title).toBe("Change to 'arduino-zero'");
  });

  it('a search space whose smallest architecture breaks a hard limit: an error on the limit', async () => {
    const text = readFileSync(join(ROOT, 'test/fixtures/checks/space-too-small.unas'), 'utf8');
    const uri = await client.open(text);
    const a = analyzed(text);
    const s = a.document.searches[0]!;
    const sp = s.space!;
    if (sp.kind !== 'space') throw new Error('inline space expected');
    const b = spaceBounds(resolveSpace(sp, [32, 32, 3], 2), { convention: 'tflm', softmax: true });
    const expected: string[] = [];
    for (const c of s.constraints) {
      const least =
        c.metric.value === 'ram'
          ? b.peakRam
          : c.metric.value === 'flash'
            ? b.flash
            : c.metric.value === 'macs'
              ? b.macs
              : undefined;
      if (!least || c.mode !== 'hard' || least.min <= c.limit.value) continue;
      expected.push(
        `error ${c.metric.value} <= ${slice(text, rangeOf(text, c.limit.span))}: the smallest needs ${least.exact ? '' : 'at least '}${formatBytes(least.min)}`,
      );
    }
    expect(expected.length).toBeGreaterThan(0);
    const got = (await client.diagnostics(uri, 1)).filter((d) => d.code === 'space-infeasible');
    expect(
      render(got).map((d) =>
        d.replace(/^\S+ /, '').replace('no architecture of this search space meets ', ''),
      ),
    ).toEqual(expected);
    for (const d of got) expect(slice(text, d.range)).toMatch(/^\d+ KB$/);
  });

  it('a search space whose smallest architecture does not fit the board', async () => {
    const text =
      'search s {\n  dataset cifar10 { path "x" }\n  target arduino-zero\n  space {\n    blocks 1 { layers 1 { op conv2d  kernel 3  stride 1  channels 64..96  padding same  prepool none } }\n    dense 0\n  }\n}\n';
    const uri = await client.open(text);
    const sp = analyzed(text).document.searches[0]!.space!;
    if (sp.kind !== 'space') throw new Error('inline space expected');
    const b = spaceBounds(resolveSpace(sp, [32, 32, 3], 10), { convention: 'tflm', softmax: true });
    expect(render((await client.diagnostics(uri, 1)).filter((d) => d.code === 'space-infeasible'))).toEqual([
      `4:3-4:8 error no architecture of this search space fits arduino-zero: the smallest needs ${b.peakRam.exact ? '' : 'at least '}${formatBytes(b.peakRam.min)} of RAM, the board leaves 28 KB`,
    ]);
  });

  it('checks a search space against its limits in the search’s own convention', async () => {
    const search = (convention: string) =>
      `search s {\n  dataset mnist\n  constraints { ram <= 600 B }\n  space {\n    blocks 1 { layers 1 { op conv2d  kernel 3  stride 2  channels 1..4 } }\n    dense 0\n  }\n${convention}}\n`;
    const findings = async (text: string) =>
      (await client.diagnostics(await client.open(text), 1)).filter((d) => d.code === 'space-infeasible');
    // The 784-byte input alone breaks 600 B in the deployable accounting; μNAS's leaves it out.
    expect((await findings(search(''))).map((d) => d.message)).toEqual([
      expect.stringContaining('no architecture of this search space meets ram <= 600 B'),
    ]);
    expect(await findings(search('  convention unas\n'))).toEqual([]);
  });

  it('every example is published without errors (the resource findings are warnings at most)', async () => {
    for (const { text } of EXAMPLES) {
      const uri = await client.open(text);
      const d = await client.diagnostics(uri, 1);
      expect(d.filter((x) => x.severity === 1)).toEqual([]);
      await client.close(uri);
    }
  });
});

function rangeOf(text: string, span: { start: number; end: number }) {
  const pos = (o: number) => {
    const before = text.slice(0, o).split('\n');
    return { line: before.length - 1, character: before.at(-1)!.length };
  };
  return { start: pos(span.start), end: pos(span.end) };
}
