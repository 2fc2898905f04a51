import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarkupContent } from 'vscode-languageserver-protocol';
import { frontEndEstimate } from '../../server/src/engine/features/front-end-cost.js';
import { frontEndLine } from '../../server/src/engine/features/front-end-text.js';
import { MFCC_DEFAULTS } from '../../server/src/engine/features/mfcc.js';
import { CORES } from '../../server/src/engine/resources/cores.js';
import { formatBytes } from '../../server/src/engine/language/units.js';
import { example } from './support/engine.js';
import { hintLabel, LspClient } from '../harness/lsp-client.js';

let client: LspClient;
beforeAll(async () => {
  ({ client } = await LspClient.start());
});
afterAll(async () => {
  await client.stop();
});

describe('the MFCC front end in the editor', () => {
  const text = example('keyword-spotting.unas');
  const lines = text.split('\n');
  const featuresLine = lines.findIndex((l) => l.trim().startsWith('features mfcc'));
  // The example's front end: 40 ms / 20 ms, 10 coefficients, on the nucleo-f746zg (Cortex-M7, 216 MHz).
  const settings = { ...MFCC_DEFAULTS, windowSamples: 640, strideSamples: 320, coefficients: 10 };
  const expected = frontEndEstimate(settings, CORES['cortex-m7'], 216e6);

  it('an inlay hint on the features line gives its RAM, flash, MACs and time on the target', async () => {
    const uri = await client.open(text);
    const hints = (await client.inlayHints(uri)) ?? [];
    const mine = hints.filter((h) => h.position.line === featuresLine).map(hintLabel);
    expect(mine).toEqual([frontEndLine(settings, expected)]);
    expect(mine[0]).toMatch(/^MFCC 49×10: RAM [\d.]+ KB · flash [\d.]+ KB · [\d.]+ K MACs · [\d.]+ ms$/);
  });

  it('hovering `features` explains the cost, with the feature map counted as the network input', async () => {
    const uri = await client.open(text);
    const character = lines[featuresLine]!.indexOf('features') + 2;
    const h = await client.hover(uri, { line: featuresLine, character });
    const value = (h?.contents as MarkupContent).value;
    expect(value).toContain('**MFCC front end** on ST NUCLEO-F746ZG');
    expect(value).toContain(`feature map ${formatBytes(49 * 10)} (the network's input)`);
    expect(value).toContain('1024-point FFT');
  });
});
