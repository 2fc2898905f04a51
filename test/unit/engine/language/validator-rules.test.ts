import { describe, expect, it } from 'vitest';
import { renderDiagnostics } from '../../../support/render-diagnostics.js';

/**
 * One case per validation rule: a bad input and every diagnostic it must produce, with exact
 * ranges (`line:col-line:col`, 1-based, end exclusive) and messages. Nothing else may be reported.
 */
const CASES: readonly { name: string; text: string; expected: string[] }[] = [
  {
    name: 'unknown statement (did you mean)',
    text: 'search s {\n  datset mnist\n  dataset mnist\n  space { }\n}',
    expected: [
      "2:3-2:9 error unknown 'datset': did you mean 'dataset'? (expected one of dataset, target, constraints, objectives, space, strategy, train, baseline, … in a search)",
    ],
  },
  {
    name: 'unknown value word',
    text: 'search s {\n  dataset mnst\n  space { }\n}',
    expected: [
      "2:11-2:15 error unknown 'mnst': did you mean 'mnist'? (dataset takes a dataset: mnist, fashion-mnist, cifar10, idx, images, audio)",
    ],
  },
  {
    name: 'unknown kernel library',
    text: 'search s {\n  dataset mnist\n  target nucleo-f746zg { kernels refrence }\n  space { }\n}',
    expected: [
      "3:34-3:42 error unknown 'refrence': did you mean 'reference'? (kernels takes cmsis-nn or reference)",
    ],
  },
  {
    name: 'unknown unit with a case fix',
    text: 'search s {\n  dataset mnist\n  space { }\n  constraints { ram <= 2 kb }\n}',
    expected: ["4:26-4:28 error unknown unit 'kb': did you mean 'KB'?"],
  },
  {
    name: 'missing unit',
    text: 'search s {\n  dataset mnist\n  space { }\n  constraints { flash <= 4 }\n}',
    expected: ['4:26-4:27 error flash needs a unit: B, KB, MB'],
  },
  {
    name: 'unit of the wrong dimension',
    text: 'search s {\n  dataset mnist\n  space { }\n  constraints { ram <= 8 MHz }\n}',
    expected: ["4:26-4:29 error 'MHz' is a frequency unit, but ram needs a size (B, KB, MB)"],
  },
  {
    name: 'lower bound instead of a limit',
    text: 'search s {\n  dataset mnist\n  space { }\n  constraints { macs >= 3 M }\n}',
    expected: ["4:22-4:24 error a constraint is an upper limit: use '<=' (found '>=')"],
  },
  {
    name: 'constraint without a comparison',
    text: 'search s {\n  dataset mnist\n  space { }\n  constraints { ram 8 KB }\n}',
    expected: ['4:17-4:20 error a constraint needs a limit: ram <= 8 KB'],
  },
  {
    name: 'percent out of range',
    text: 'search s {\n  dataset mnist\n  space { }\n  constraints { error <= 150% }\n}',
    expected: ['4:26-4:30 error error must be between 0% and 100%'],
  },
  {
    name: 'empty range',
    text: 'search s {\n  dataset mnist\n  space { blocks 5..1 }\n}',
    expected: ['3:18-3:22 error empty range 5..1: the first bound must not exceed the second'],
  },
  {
    name: 'whole number out of range',
    text: 'search s {\n  dataset mnist\n  space { }\n  train { epochs 0 }\n}',
    expected: ['4:18-4:19 error epochs must be a whole number from 1 to 100000, not 0'],
  },
  {
    name: 'weights over 100%',
    text: 'search s {\n  dataset mnist\n  space { blocks 1..2 { layers 1 { kernel 3 30% | 5 80% } } }\n}',
    expected: ['3:43-3:56 error the weights add up to 110%, more than 100%'],
  },
  {
    name: 'duplicate setting',
    text: 'search s {\n  dataset mnist\n  space { }\n  train { epochs 3\n    epochs 4 }\n}',
    expected: ["5:5-5:11 warning 'epochs' is set twice in train; the later one wins"],
  },
  {
    name: 'duplicate name',
    text: 'model a { input 8x8x1  gap }\nmodel a { input 8x8x1  gap }',
    expected: ["2:7-2:8 error a model named 'a' is already defined"],
  },
  {
    name: 'missing sections of a search',
    text: 'search s {\n  train { epochs 1 }\n}',
    expected: [
      "1:8-1:9 error search 's' has no dataset (e.g. dataset mnist)",
      "1:8-1:9 error search 's' has no search space (space { blocks 1..4 { \u2026 } })",
    ],
  },
  {
    name: 'missing model input',
    text: 'model m {\n  dense 10\n}',
    expected: ["1:7-1:8 error model 'm' needs an input shape, e.g. input 28x28x1"],
  },
  {
    name: 'kernel larger than its input',
    text: 'model m {\n  input 3x3x1\n  conv2d 8 k5\n}',
    expected: ['3:3-3:14 error conv2d kernel 5\u00d75 is larger than its 3\u00d73 input (valid padding)'],
  },
  {
    name: 'stride that makes a dimension zero',
    text: 'model m {\n  input 4x4x1\n  maxpool 5\n}',
    expected: ['3:3-3:12 error maxpool size 5\u00d75 is larger than its 4\u00d74 input (valid padding)'],
  },
  {
    name: 'dense before flattening',
    text: 'model m {\n  input 8x8x1\n  dense 10\n}',
    expected: [
      '3:3-3:11 error dense needs a vector but its input is 8\u00d78\u00d71; add flatten or global pooling before it',
    ],
  },
  {
    name: 'conv after flatten',
    text: 'model m {\n  input 8x8x1\n  flatten\n  conv2d 4 k1\n}',
    expected: [
      '4:3-4:14 error conv2d needs a feature map (H\u00d7W\u00d7C) but its input is a vector of 64; it must come before flatten / global pooling / dense',
    ],
  },
  {
    name: 'add with mismatched channels',
    text: 'model m {\n  input 8x8x4\n  add { path { conv2d 8 k1 } path { } }\n}',
    expected: ['3:3-3:40 error add inputs differ in shape: 8\u00d78\u00d78 vs 8\u00d78\u00d74'],
  },
  {
    name: 'missing kernel',
    text: 'model m {\n  input 8x8x1\n  conv2d 8\n}',
    expected: ['3:3-3:9 error conv2d needs a kernel size, e.g. conv2d 16 k3'],
  },
  {
    name: 'option a layer does not take',
    text: 'model m {\n  input 8x8x1\n  maxpool 2 k3\n}',
    expected: ["3:13-3:15 error maxpool takes no 'k3' (its options are sN (stride), same/valid)"],
  },
  {
    name: 'unknown model reference',
    text: 'search s {\n  dataset mnist\n  space { }\n  baseline lenet_tny\n}\nmodel lenet_tiny { input 28x28x1  gap  dense 10 }',
    expected: ["4:12-4:21 error unknown 'lenet_tny': did you mean 'lenet_tiny'? (a model in this file)"],
  },
  {
    name: 'baseline of the wrong input and outputs',
    text: 'search s {\n  dataset mnist\n  space { }\n  baseline m\n}\nmodel m { input 32x32x3  gap  dense 3 }',
    expected: [
      "4:12-4:13 error baseline 'm' takes 32x32x3 but the dataset is 28x28x1",
      "4:12-4:13 error baseline 'm' outputs 3 values but the dataset has 10 classes",
    ],
  },
  {
    name: 'unknown space reference',
    text: 'search s {\n  dataset mnist\n  space cnm\n}\nspace cnn { }',
    expected: ["3:9-3:12 error unknown 'cnm': did you mean 'cnn'? (a top-level space)"],
  },
  {
    name: 'dataset that needs a path',
    text: 'search s {\n  dataset cifar10\n  space { }\n}',
    expected: ['2:11-2:18 error cifar10 needs a path: dataset cifar10 { path "\u2026" }'],
  },
  {
    name: 'sample above population',
    text: 'search s {\n  dataset mnist\n  space { }\n  strategy evolution { population 10  sample 20  rounds 100 }\n}',
    expected: ['4:46-4:48 error sample (20) cannot exceed population (10)'],
  },
  {
    name: 'schedule out of order',
    text: 'search s {\n  dataset mnist\n  space { }\n  train { schedule step 10 0.1, 5 0.01 }\n}',
    expected: ['4:33-4:34 error schedule steps must be in increasing epoch order'],
  },
  {
    name: 'syntax: unclosed block and stray tokens',
    text: 'search s {\n  dataset mnist\n  space { blocks 1..2 }\n  train { epochs 3 4 }\n  5 }\n}\nmodel m {\n  input 8x8x1',
    expected: [
      "4:20-4:21 error unexpected '4' after epochs",
      "5:3-5:4 error unexpected '5': a statement starts with a name",
      "6:1-6:2 error unexpected '}' without a matching '{': a statement starts with a name",
      "7:9-7:10 error missing '}' to close this block",
    ],
  },
  {
    name: 'stride that makes a dimension zero, same padding is fine',
    text: 'model m {\n  input 4x4x1\n  maxpool 5 same\n  conv2d 4 k3 s9 same\n}',
    expected: ['4:15-4:17 error strides go from 1 to 8'],
  },
];

describe('validator rules', () => {
  it.each(CASES)('$name', ({ text, expected }) => {
    expect(renderDiagnostics(text)).toEqual(expected);
  });
});
