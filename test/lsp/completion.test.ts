import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cursors, itemsOf, LspClient, slice } from '../harness/lsp-client.js';

let client: LspClient;
beforeAll(async () => {
  ({ client } = await LspClient.start());
});
afterAll(async () => {
  await client.stop();
});

const MODELS = `
model lenet { input 28x28x1  conv2d 4 k3; gap; dense 10 }
model other { input 28x28x1  gap; dense 10 }
space shared { blocks 1..2 }
`;

/**
 * Data-driven: a document with one `<|>` cursor, labels that must be offered (in this order when
 * `first` is set), labels that must not, and optionally the detail of one item and the text the
 * completion replaces.
 */
const CASES: readonly {
  name: string;
  text: string;
  includes?: readonly string[];
  first?: readonly string[];
  excludes?: readonly string[];
  detail?: [string, RegExp];
  replaces?: string;
  trigger?: string;
  none?: boolean;
}[] = [
  { name: 'top-level heads', text: '<|>', first: ['search', 'model', 'space'] },
  {
    name: 'search heads, without those already set',
    text: 'search s {\n  dataset mnist\n  <|>\n}',
    includes: ['target', 'constraints', 'objectives', 'space', 'strategy', 'train', 'baseline'],
    excludes: ['dataset', 'model', 'conv2d'],
  },
  { name: 'a head being typed', text: 'search s {\n  con<|>\n}', includes: ['constraints'], replaces: 'con' },
  {
    name: 'constraint metrics',
    text: 'search s {\n  constraints {\n    <|>\n  }\n}',
    first: ['ram', 'arena', 'flash', 'macs', 'latency', 'error'],
  },
  {
    name: 'layer ops in a model',
    text: 'model m {\n  input 28x28x1\n  <|>\n}',
    includes: ['conv2d', 'dwconv2d', 'maxpool', 'dense', 'add', 'softmax'],
    excludes: ['input', 'dataset'],
  },
  {
    name: 'layer ops in a path',
    text: 'model m {\n  input 8x8x1\n  add {\n    path { <|> }\n  }\n}',
    includes: ['conv2d', 'gap'],
  },
  { name: 'path in add', text: 'model m {\n  input 8x8x1\n  add {\n    <|>\n  }\n}', first: ['path'] },
  {
    name: 'datasets',
    text: 'search s {\n  dataset <|>\n}',
    first: ['mnist', 'fashion-mnist', 'cifar10', 'idx', 'images', 'audio'],
    detail: ['cifar10', /32x32x3, 10 classes, needs path/],
  },
  {
    name: 'audio dataset settings',
    text: 'search s {\n  dataset audio {\n    <|>\n  }\n}',
    includes: ['path', 'words', 'silence', 'unknown', 'features', 'augment'],
  },
  { name: 'the MFCC front end', text: 'search s {\n  dataset audio { features <|> }\n}', first: ['mfcc'] },
  {
    name: 'front-end settings',
    text: 'search s {\n  dataset audio { features mfcc {\n    <|>\n  } }\n}',
    first: ['window', 'stride', 'coefficients', 'bands', 'low', 'high'],
  },
  {
    name: 'a time unit for a frame length',
    text: 'search s {\n  dataset audio { features mfcc { window 30 <|> } }\n}',
    first: ['ms'],
  },
  {
    name: 'audio augmentation',
    text: 'search s {\n  dataset audio { augment {\n    <|>\n  } }\n}',
    includes: ['shift', 'noise', 'volume', 'copies'],
  },
  {
    name: 'boards with RAM and flash',
    text: 'search s {\n  target <|>\n}',
    includes: ['nucleo-f746zg', 'arduino-zero', 'custom'],
    detail: ['arduino-zero', /^32 KB RAM · 256 KB flash · cortex-m0plus @ 48 MHz$/],
  },
  {
    name: 'a board being typed (with a dash)',
    text: 'search s {\n  target nucleo-f7<|>\n}',
    includes: ['nucleo-f746zg'],
    replaces: 'nucleo-f7',
  },
  {
    name: 'boards for a model target',
    text: 'model m {\n  target <|>\n}',
    includes: ['raspberry-pi-pico'],
    excludes: ['custom'],
  },
  { name: 'strategies', text: 'search s {\n  strategy <|>\n}', first: ['evolution', 'random'] },
  { name: 'optimizers', text: 'search s {\n  train {\n    optimizer <|>\n  }\n}', first: ['sgd', 'adam'] },
  {
    name: 'schedules',
    text: 'search s {\n  train { schedule <|> }\n}',
    first: ['constant', 'cosine', 'step'],
  },
  {
    name: 'size units after a number',
    text: 'search s {\n  constraints {\n    ram <= 8 <|>\n  }\n}',
    first: ['KB', 'B', 'KiB', 'MB', 'MiB'],
    excludes: ['hard', 'M', 'ms'],
  },
  {
    name: 'a unit being typed',
    text: 'search s {\n  constraints { flash <= 16 K<|> }\n}',
    includes: ['KB'],
    replaces: 'K',
  },
  {
    name: 'count units after a number',
    text: 'search s {\n  constraints { macs <= 2 <|> }\n}',
    first: ['M', 'K', 'G', 'hard', 'soft'],
  },
  {
    name: 'time units',
    text: 'search s {\n  constraints { latency <= 50 <|> }\n}',
    includes: ['ms', 'us', 's'],
    excludes: ['KB'],
  },
  {
    name: 'frequency units for a custom clock',
    text: 'search s {\n  target custom {\n    clock 80 <|>\n  }\n}',
    includes: ['MHz', 'kHz'],
  },
  {
    name: 'hard/soft after a limit, then the next constraint',
    text: 'search s {\n  constraints { ram <= 8 KB <|> }\n}',
    first: ['hard', 'soft'],
    includes: ['flash', 'macs'],
  },
  {
    name: 'cores for a custom target',
    text: 'search s {\n  target custom {\n    core <|>\n  }\n}',
    includes: ['cortex-m4', 'cortex-m0plus', 'xtensa-lx7'],
  },
  {
    name: 'kernel libraries in a target',
    text: 'search s {\n  target nucleo-f746zg {\n    kernels <|>\n  }\n}',
    includes: ['cmsis-nn', 'reference'],
  },
  {
    name: 'metrics in objectives, without those listed',
    text: 'search s {\n  objectives error, ram, <|>\n}',
    first: ['arena', 'flash', 'macs', 'latency'],
    excludes: ['error', 'ram'],
  },
  {
    name: 'models after baseline',
    text: `search s {\n  baseline <|>\n}${MODELS}`,
    first: ['lenet', 'other'],
    detail: ['lenet', /^peak .* · arena .* MACs/],
  },
  {
    name: 'models after a comma in baseline',
    text: `search s {\n  baseline lenet, o<|>\n}${MODELS}`,
    includes: ['other'],
    replaces: 'o',
  },
  { name: 'spaces after space', text: `search s {\n  space <|>\n}${MODELS}`, first: ['shared'] },
  {
    name: 'layer types in a space',
    text: 'space x {\n  blocks 1..2 {\n    layers 1..2 {\n      op conv2d | <|>\n    }\n  }\n}',
    first: ['conv2d', 'conv1x1', 'dwconv2d'],
    trigger: ' ',
  },
  {
    name: 'padding',
    text: 'space x { blocks 1 { layers 1 {\n  padding <|>\n} } }',
    first: ['valid', 'same'],
  },
  {
    name: 'final pool',
    text: 'space x {\n  pool none 10% | <|>\n}',
    first: ['none', 'avg', 'max'],
    trigger: ' ',
  },
  {
    name: 'conv2d modifiers after the filters',
    text: 'model m {\n  input 8x8x1\n  conv2d 8 <|>\n}',
    includes: ['k3', 's2', 'same', 'relu', 'bn'],
    excludes: ['m2'],
  },
  {
    name: 'modifiers not repeated',
    text: 'model m {\n  input 8x8x1\n  conv2d 8 k3 relu <|>\n}',
    includes: ['s2', 'bn', 'same'],
    excludes: ['k3', 'k5', 'relu', 'relu6'],
  },
  {
    name: 'dwconv2d modifiers at once',
    text: 'model m {\n  input 8x8x1\n  dwconv2d <|>\n}',
    includes: ['k3', 'm2'],
  },
  {
    name: 'nothing before conv2d filters',
    text: 'model m {\n  input 8x8x1\n  conv2d <|>\n}',
    trigger: ' ',
    none: true,
  },
  { name: 'nothing in a comment', text: 'search s {\n  // dataset <|>\n}', none: true },
  {
    name: 'nothing at a new statement when triggered by a space',
    text: 'search s {\n   <|>\n}',
    trigger: ' ',
    none: true,
  },
];

describe('completion', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { text, positions } = cursors(c.text);
    const uri = await client.open(text);
    const result = await client.completion(uri, positions[0]!, c.trigger);
    const items = itemsOf(result);
    const labels = items.map((i) => i.label);
    if (c.none) {
      expect(labels).toEqual([]);
      await client.close(uri);
      return;
    }
    if (c.first) expect(labels.slice(0, c.first.length)).toEqual(c.first);
    for (const l of c.includes ?? []) expect(labels).toContain(l);
    for (const l of c.excludes ?? []) expect(labels).not.toContain(l);
    if (c.detail) expect(items.find((i) => i.label === c.detail![0])?.detail).toMatch(c.detail[1]);
    if (c.replaces !== undefined) {
      const edit = items[0]?.textEdit;
      expect(edit && 'range' in edit ? slice(text, edit.range) : undefined).toBe(c.replaces);
    }
    await client.close(uri);
  });
});
