import type { Rng } from '../../server/src/engine/rng/seeded-rng.js';

/**
 * Hostile inputs for the fuzz tests and the hardening bench: documents of every class that once
 * crashed, hung or flooded the server (deep nesting, huge numbers and dimensions, long tokens and
 * lines, huge documents, NUL and lone surrogates, CRLF), and malformed JSON-RPC frames.
 */

export const HOSTILE_KINDS = [
  'deep-nesting',
  'huge-numbers',
  'long-token',
  'long-line',
  'huge-document',
  'control-characters',
  'crlf',
  'junk',
] as const;
export type HostileKind = (typeof HOSTILE_KINDS)[number];

/** Runs of tokens the fuzz vocabularies share (in this order: the fuzzers' draws depend on it). */
export const FUZZ_PUNCTUATION = ['{', '}', '..', '|', ',', ';', '%', '<='] as const;
export const FUZZ_VALUES = ['x', '0', '-1', '1e999', '28x28x1', 'KB'] as const;

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.int(xs.length)]!;
const digits = (rng: Rng, n: number): string =>
  String(1 + rng.int(9)) + Array.from({ length: n - 1 }, () => rng.int(10)).join('');

/** One hostile document of `kind`; `scale` (default 1) multiplies its size (the bench uses more). */
export function hostileDocument(rng: Rng, kind: HostileKind, scale = 1): string {
  switch (kind) {
    case 'deep-nesting': {
      const depth = 50 + rng.int(2000 * scale);
      const open = pick(rng, ['add { path { ', 'a { ', '{ ', 'model m { ', 'concat { path { ']);
      const closes = rng.int(3) === 0 ? '' : '} '.repeat(depth * (open.match(/{/g)?.length ?? 1));
      return `model m { input 8x8x1 ${open.repeat(depth)}conv1x1 4 ${closes}}`;
    }
    case 'huge-numbers': {
      const big = (): string =>
        pick(rng, [digits(rng, 15 + rng.int(30)), '1e308', '1e999', '-0', '9007199254740993', '4294967296']);
      const shape = Array.from({ length: 1 + rng.int(4) }, big).join('x');
      return [
        `model m {`,
        `  input ${pick(rng, [shape, `${big()}x${big()}x1`, '100000000000000x1x1', '65536x65536x3'])}`,
        `  conv2d ${big()} k${pick(rng, ['3', '15', big()])} s${pick(rng, ['1', big()])}`,
        `  concat { path { conv1x1 ${big()} } path { conv1x1 4 } }`,
        `  dense ${big()}`,
        `}`,
        `search s { dataset mnist { subset ${big()} } constraints { ram <= ${big()} KB  macs <= ${big()} G }`,
        `  space { blocks 1..${big()} { layers 1..${big()} { op conv2d  channels 1..${big()} } } }`,
        `  strategy evolution { population ${big()} sample ${big()} rounds ${big()} } }`,
      ].join('\n');
    }
    case 'long-token': {
      const n = 1000 + rng.int(200_000 * scale);
      const token = pick(rng, [
        'a'.repeat(n),
        '1'.repeat(n),
        `"${'p/'.repeat(n >> 1)}"`,
        `${'1x'.repeat(n >> 1)}1`,
        `${'a-'.repeat(n >> 1)}a`,
        `"${'\\"'.repeat(n >> 1)}`,
        `/*${'*'.repeat(n)}`,
      ]);
      return pick(rng, [token, `model ${token} { input 8x8x1 }`, `model m { input ${token} gap dense 2 }`]);
    }
    case 'long-line': {
      const n = 1000 + rng.int(20_000 * scale);
      return `model m { input 8x8x1 ${Array.from({ length: n }, () => pick(rng, ['conv1x1 4', 'relu', 'bn', 'dropout 0.1'])).join(' ')} }`;
    }
    case 'huge-document': {
      const models = 50 + rng.int(400 * scale);
      return Array.from(
        { length: models },
        (_, i) => `model m${i} {\n  input 28x28x1\n  conv2d 8 k3 relu\n  maxpool 2\n  gap\n  dense 10\n}\n`,
      ).join('');
    }
    case 'control-characters': {
      const bad = [
        '\u0000',
        '\ud800',
        '\udfff',
        '\ud83d',
        '\u2028',
        '\u2029',
        '\ufeff',
        '\u0007',
        '\u001b[31m',
      ];
      let text = 'model m {\n  input 28x28x1\n  conv2d 8 k3\n  gap\n  dense 10\n}\n';
      for (let i = 0; i < 5 + rng.int(30); i++) {
        const at = rng.int(text.length + 1);
        text = text.slice(0, at) + pick(rng, bad) + text.slice(at);
      }
      return text;
    }
    case 'crlf': {
      const eol = (): string => pick(rng, ['\r\n', '\r', '\n', '\n\r', '\r\r\n']);
      return [
        'search s {',
        '  dataset mnist',
        '  space { blocks 1..2 { layers 1 { op conv2d } } }',
        '}',
        'model m {',
        '  input 8x8x1',
        '  gap',
        '}',
      ]
        .map((l) => l + eol())
        .join('');
    }
    case 'junk': {
      const vocab = [...FUZZ_PUNCTUATION, '"', '/*', '*/', 'x', '-', '.', '#', 'μ', '\t'];
      return Array.from({ length: 100 + rng.int(20_000 * scale) }, () => pick(rng, vocab)).join(
        rng.int(2) ? ' ' : '',
      );
    }
  }
}

/**
 * Malformed JSON-RPC frames: each must make the server exit non-zero (framing) or be answered with
 * an error (a well-framed but invalid message). `fatal` says which.
 */
export function malformedFrames(): { name: string; bytes: Buffer; fatal: boolean }[] {
  const body = (m: unknown): string => JSON.stringify(m);
  const framed = (s: string, header?: string): Buffer =>
    Buffer.concat([
      Buffer.from(header ?? `Content-Length: ${Buffer.byteLength(s)}\r\n\r\n`, 'latin1'),
      Buffer.from(s, 'utf8'),
    ]);
  const hover = body({ jsonrpc: '2.0', id: 1, method: 'textDocument/hover', params: {} });
  const out: { name: string; bytes: Buffer; fatal: boolean }[] = [];
  const deltas = [...Array.from({ length: 20 }, (_, i) => i - 20), 1, 2, 3, 5, 8];
  for (const delta of deltas)
    out.push({
      name: `Content-Length off by ${delta} and a following frame`,
      bytes: Buffer.concat([
        framed(hover, `Content-Length: ${Buffer.byteLength(hover) + delta}\r\n\r\n`),
        framed(hover),
      ]),
      fatal: true,
    });
  for (const header of [
    `Content-Length: ${hover.length}\n\n`,
    `Content-Length: ${hover.length}\r\n\n`,
    `Content-Length: ${hover.length}\n\r\n`,
    'Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n',
    '\r\n\r\n',
    'Content-Length: -5\r\n\r\n',
    'Content-Length: abc\r\n\r\n',
    'Content-Length: 1e2\r\n\r\n',
    'Content-Length: 99999999999\r\n\r\n',
    'Content-Length 10\r\n\r\n',
    `Content-Length: ${hover.length}\r\nContent-Type: text/plain; charset=latin1\r\n\r\n`,
    `X-Junk: ${'a'.repeat(9000)}`,
    'Content-Length: 5\r\nContent-Length: 7\r\n\r\n',
  ])
    out.push({
      name: `header ${JSON.stringify(header.slice(0, 40))}`,
      bytes: framed(hover, header),
      fatal: true,
    });
  for (const s of ['{', 'not json', '{"jsonrpc":"2.0",', '\u0000', '[1,2', '"unterminated', '{}}'])
    out.push({ name: `body ${JSON.stringify(s)}`, bytes: framed(s), fatal: true });
  out.push({
    name: 'body not UTF-8',
    bytes: Buffer.concat([Buffer.from('Content-Length: 3\r\n\r\n'), Buffer.from([0xff, 0xfe, 0xfd])]),
    fatal: true,
  });
  const invalid: unknown[] = [
    null,
    42,
    'x',
    [],
    [{ jsonrpc: '2.0', id: 1, method: 'shutdown' }],
    {},
    { jsonrpc: '1.0', id: 1, method: 'shutdown' },
    { id: 1, method: 'shutdown' },
    { jsonrpc: '2.0', id: { a: 1 }, method: 'textDocument/hover' },
    { jsonrpc: '2.0', id: [1], method: 'textDocument/hover' },
    { jsonrpc: '2.0', id: true, method: 'textDocument/hover' },
    { jsonrpc: '2.0', id: 1.5e308, method: 42 },
    { jsonrpc: '2.0', id: 1, method: 42 },
    { jsonrpc: '2.0', id: 1, method: null },
    { jsonrpc: '2.0', id: 1, method: {} },
    { jsonrpc: '2.0', id: 1, method: 'textDocument/hover', params: 'x' },
    { jsonrpc: '2.0', id: 1, method: 'textDocument/hover', params: null },
    { jsonrpc: '2.0', id: 1 },
    { jsonrpc: '2.0', id: 1, result: null, method: 5 },
    { jsonrpc: '2.0', id: 'x', method: 'textDocument/hover', params: { textDocument: 5 } },
    {
      jsonrpc: '2.0',
      id: 2,
      method: 'textDocument/hover',
      params: { textDocument: { uri: 5 }, position: 'x' },
    },
    {
      jsonrpc: '2.0',
      id: 3,
      method: 'textDocument/inlayHint',
      params: { textDocument: { uri: 'file:///none' } },
    },
    { jsonrpc: '2.0', id: 4, method: 'unknown/method', params: {} },
    { jsonrpc: '2.0', id: 5, method: 'initialize', params: {} },
  ];
  for (const m of invalid)
    out.push({ name: `message ${body(m).slice(0, 60)}`, bytes: framed(body(m)), fatal: false });
  return out;
}
