import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InlayHint } from 'vscode-languageserver-protocol';
import { formatBytes, formatCount, formatSeconds } from '../../server/src/engine/language/units.js';
import { engineEstimate, example } from './support/engine.js';
import { hintLabel, LspClient } from '../harness/lsp-client.js';

let client: LspClient;
beforeAll(async () => {
  ({ client } = await LspClient.start());
});
afterAll(async () => {
  await client.stop();
});

/** Hints as `line: label` (1-based lines). */
const lines = (hints: InlayHint[] | null) =>
  (hints ?? []).map((h) => `${h.position.line + 1}: ${hintLabel(h)}`);

describe('inlay hints on a model', () => {
  const text = example('mnist.unas');
  const { estimate: e, line } = engineEstimate(text, 'lenet_tiny');

  it("show each layer's RAM at its step, flash and MACs, and the totals on the model line", async () => {
    const uri = await client.open(text);
    const got = lines(await client.inlayHints(uri));
    const t = e.totals;
    const modelLine = text.split('\n').findIndex((l) => l.startsWith('model lenet_tiny')) + 1;
    const expected = [
      `${modelLine}: peak ${formatBytes(t.peakRam)} · arena ${formatBytes(t.arena.total)} · flash ${formatBytes(t.flash)} · ${formatCount(t.macs)} MACs · ${formatSeconds(t.latencyMs! / 1000)} on nucleo-f746zg`,
      ...e.layers
        .filter((l) => l.node > 0)
        .map((l) => {
          const parts = [
            `ram ${formatBytes(l.ram!)}${l.node === e.peakNode ? ' (peak)' : ''}`,
            `flash ${formatBytes(l.flash)}`,
            ...(l.macs ? [`${formatCount(l.macs)} MACs`] : []),
          ];
          return `${line(l.node)}: ${parts.join(' · ')}`;
        }),
    ];
    expect(got.filter((g) => Number(g.split(':')[0]) >= modelLine)).toEqual(expected);
    expect(got.filter((g) => g.includes('(peak)'))).toHaveLength(1);
  });

  it('give the achievable range of a search space, once the diagnostics have computed it', async () => {
    const uri = await client.open(text);
    // Space bounds are computed by the (debounced) diagnostics, then the client is asked to refresh.
    await client.diagnostics(uri, 1);
    const got = lines(await client.inlayHints(uri));
    const spaceLine = text.split('\n').findIndex((l) => l.trim() === 'space {') + 1;
    const hint = got.find((g) => g.startsWith(`${spaceLine}: `));
    expect(hint).toMatch(
      /^\d+: ram [\d.]+ [KM]?B–[\d.]+ [KM]?B · flash [\d.]+ [KM]?B–[\d.]+ [KM]?B · [\d.]+ ?[KMG]?–[\d.]+ ?[KMG]? MACs$/,
    );
  });

  it('the client is asked to refresh once new space bounds are known', async () => {
    const refreshed = client.nextRefresh();
    const uri = await client.open(
      'search s {\n  dataset mnist\n  space { blocks 1..2 { layers 1..2 { channels 3..9 } } }\n}\n',
    );
    await refreshed;
    expect(lines(await client.inlayHints(uri))).toEqual([expect.stringMatching(/^3: ram .* MACs$/)]);
  });

  it('only in the requested range', async () => {
    const uri = await client.open(text);
    const modelLine = text.split('\n').findIndex((l) => l.startsWith('model lenet_tiny'));
    const got = await client.inlayHints(uri, {
      start: { line: modelLine + 2, character: 0 },
      end: { line: modelLine + 3, character: 99 },
    });
    expect(got?.map((h) => h.position.line)).toEqual([modelLine + 2, modelLine + 3]);
  });

  it('a model with an error keeps the hints of its valid layers but no total', async () => {
    const uri = await client.open(
      'model m {\n  input 28x28x1\n  conv2d 8 k3 relu\n  dense 10\n  conv2d 4 k3\n}\n',
    );
    const got = lines(await client.inlayHints(uri));
    expect(got.map((g) => g.split(':')[0])).toEqual(['3']);
    expect(got[0]).toMatch(/^3: ram .* \(peak\) · flash .* · .* MACs$/);
  });

  it('one-line models and merges get a hint per layer, after the layer', async () => {
    const uri = await client.open(
      'model m { input 16x16x1; conv2d 4 k3 same; add { path { conv2d 4 k3 same } path { } }; gap; dense 2 }\n',
    );
    const hints = (await client.inlayHints(uri)) ?? [];
    const text = client.doc(uri).getText();
    const before = hints.map((h) => text.slice(0, h.position.character).split(/[;{]/).at(-1)!.trim());
    expect(before).toEqual(['', 'conv2d 4 k3 same', '', 'conv2d 4 k3 same', 'gap', 'dense 2']);
  });
});

describe('the unas.inlayHints.enabled setting', () => {
  it('initializationOptions turn them off', async () => {
    const { client: c } = await LspClient.start({
      initializationOptions: { inlayHints: { enabled: false } },
    });
    const uri = await c.open(example('mnist.unas'));
    expect(await c.inlayHints(uri)).toEqual([]);
    await c.stop();
  });

  it('workspace/configuration turns them off and on, with a refresh', async () => {
    const { client: c } = await LspClient.start({ configuration: { inlayHints: { enabled: true } } });
    const uri = await c.open(example('mnist.unas'));
    // Its diagnostics come after the refresh for the new space bounds: no refresh is left in flight.
    await c.diagnostics(uri, 1);
    expect((await c.inlayHints(uri))?.length).toBeGreaterThan(5);
    // The server pulls the section, then asks for a refresh: await that rather than a timer.
    let refreshed = c.nextRefresh();
    await c.setConfiguration({ inlayHints: { enabled: false } });
    await refreshed;
    expect(await c.inlayHints(uri)).toEqual([]);
    refreshed = c.nextRefresh();
    await c.setConfiguration({ 'inlayHints.enabled': true });
    await refreshed;
    expect((await c.inlayHints(uri))?.length).toBeGreaterThan(5);
    await c.stop();
  });
});
