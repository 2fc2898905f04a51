import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarkupContent } from 'vscode-languageserver-protocol';
import { formatBytes } from '../../server/src/engine/language/units.js';
import { engineEstimate } from './support/engine.js';
import { cursors, LspClient, slice } from '../harness/lsp-client.js';

let client: LspClient;
beforeAll(async () => {
  ({ client } = await LspClient.start());
});
afterAll(async () => {
  await client.stop();
});

const DOC = `search s {
  dataset mn<|>ist
  target nucleo-f7<|>46zg
  constraints {
    r<|>am <= 8 K<|>B
    macs <= 2 M s<|>oft
  }
  objectives error, fl<|>ash
  space sp<|>c
  strategy evol<|>ution
  baseline le<|>net
}

space spc { blocks 1..2 { layers 1..2 { op conv2d | dwconv2d  kernel 3 } } }

// a comment <|>here
model le<|>net {
  input 28x28x1
  target arduino-zero
  con<|>v2d 8 k3 s<|>2 relu
  maxpool 2
  gap
  dense 10
}
`;

/** One case per marker of DOC, in order: what the hover must contain (or null for no hover) and the text it covers. */
const CASES: readonly { name: string; contains: readonly string[] | null; covers?: string }[] = [
  { name: 'dataset', contains: ['**mnist**', 'input 28×28×1, 10 classes', 'MNIST digits'], covers: 'mnist' },
  {
    name: 'board',
    contains: [
      '**ST NUCLEO-F746ZG**',
      'Arm Cortex-M7 @ 216 MHz',
      'RAM 320 KB',
      'flash 1 MB',
      'the model gets RAM 288 KB',
    ],
    covers: 'nucleo-f746zg',
  },
  { name: 'constraint keyword', contains: ['ram <= 8 KB [soft]', 'Peak activation memory'], covers: 'ram' },
  { name: 'unit', contains: ['**KB**', '1 KB = 1,024 bytes'], covers: 'KB' },
  { name: 'hard/soft', contains: ['**soft**', 'penalty'], covers: 'soft' },
  { name: 'metric in objectives', contains: ['**flash**', 'Model size in flash'], covers: 'flash' },
  {
    name: 'space reference',
    contains: ['**space spc**', '| peak RAM |', 'smallest', 'largest'],
    covers: 'spc',
  },
  { name: 'strategy', contains: ['**evolution**', 'Aging'], covers: 'evolution' },
  {
    name: 'baseline: the model on the search target',
    contains: [
      '**model lenet** on ST NUCLEO-F746ZG',
      '| layer | line | output | ram | flash | MACs |',
      '**Peak** at',
    ],
    covers: 'lenet',
  },
  { name: 'comment', contains: null },
  {
    name: 'model: breakdown on its own target, peak tensor set',
    contains: [
      '**model lenet** on Arduino Zero (`arduino-zero`), cortex-m0plus @ 48 MHz',
      '**Peak RAM**',
      '**Arena**',
      '**Flash**',
      '**Peak** at `conv2d_0` (line 20): input_0 784 B, conv2d_0',
      '| conv2d_0 ▲ | 20 | 13×13×8 |',
    ],
    covers: 'lenet',
  },
  {
    name: 'layer: keyword docs and its own figures',
    contains: [
      'conv2d FILTERS k3 [s2] [same] [relu] [bn]',
      '`conv2d_0` → 13×13×8 (1.32 KB)',
      'ram at this step',
      'MACs',
      '**Peak** at `conv2d_0`',
    ],
    covers: 'conv2d',
  },
  { name: 'modifier', contains: ['Stride 2.'], covers: 's2' },
];

describe('hover', () => {
  const { text, positions } = cursors(DOC);
  let uri: string;
  beforeAll(async () => {
    uri = await client.open(text);
  });

  it('has one case per marker', () => expect(positions).toHaveLength(CASES.length));

  it.each(CASES.map((c, i) => [c.name, i] as const))('%s', async (_name, i) => {
    const c = CASES[i]!;
    const h = await client.hover(uri, positions[i]!);
    if (c.contains === null) {
      expect(h).toBeNull();
      return;
    }
    const value = (h?.contents as MarkupContent | undefined)?.value ?? '';
    for (const s of c.contains) expect(value).toContain(s);
    if (c.covers) expect(slice(text, h!.range!)).toBe(c.covers);
  });

  it('the model breakdown agrees with the engine', async () => {
    const { estimate: e } = engineEstimate(text, 'lenet', 'arduino-zero');
    const h = await client.hover(uri, positions[10]!);
    const value = (h?.contents as MarkupContent).value;
    expect(value).toContain(`**Peak RAM** ${formatBytes(e.totals.peakRam)}`);
    expect(value).toContain(`**Arena** ${formatBytes(e.totals.arena.total)}`);
    expect(value).toContain(`(${e.target.kernels})`);
    expect(value).toContain(`on a 64-bit host ${formatBytes(e.totals.arena.host64.total)}`);
    for (const l of e.layers) expect(value).toContain(`| ${l.name}`);
  });
});

describe('hover on a sum of three paths', () => {
  it('shows the chain of two-input adds it lowers to, each with its figures', async () => {
    const { text, positions } = cursors(`model m {
  input 12x12x1
  conv2d 4 k3 same relu
  a<|>dd { path { conv1x1 4 } path { dwconv2d k3 same } path { conv2d 4 k3 same } }
  flatten
  dense 10
}
`);
    const uri = await client.open(text);
    const h = await client.hover(uri, positions[0]!);
    const value = (h?.contents as MarkupContent | undefined)?.value ?? '';
    expect(value).toContain('`add_0` → 12×12×4');
    expect(value).toContain('`add_1` → 12×12×4');
  });

  it('completes and explains the kernels setting', async () => {
    const { text, positions } = cursors(
      'search s {\n  dataset mnist\n  target nucleo-f746zg { kernels refe<|>rence }\n  space { }\n}\n',
    );
    const uri = await client.open(text);
    const h = await client.hover(uri, positions[0]!);
    expect((h?.contents as MarkupContent | undefined)?.value ?? '').toContain('reference kernels');
  });
});
