import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveSearch } from '../../../../server/src/engine/config/resolve-search.js';
import { analyze } from '../../../../server/src/engine/language/analyze.js';
import { renderDiagnostics } from '../../../support/render-diagnostics.js';
import { cli } from '../../../support/cli.js';

const search = (dataset: string, extra = ''): string =>
  `search kws {\n  dataset audio {\n${dataset}\n  }\n  space { blocks 1..2 }\n${extra}}\n`;

describe('dataset audio', () => {
  it('resolves words, shares, MFCC settings and waveform augmentation, with μNAS defaults', () => {
    const text = search(
      `    path "speech"\n    words yes, no, up\n    silence 5%\n    features mfcc { window 40 ms  stride 20 ms  coefficients 10 }\n    augment { shift 100 ms  noise 50% }`,
    );
    expect(renderDiagnostics(text)).toEqual([]);
    const a = analyze(text);
    const r = resolveSearch(a.document, a.document.searches[0]!, '/proj/kws.unas');
    if (!r.ok) throw new Error(r.errors.join('\n'));
    expect(r.config.dataset.input).toEqual([49, 10, 1]);
    expect(r.config.dataset.classes).toBe(5);
    expect(r.config.dataset.augment).toEqual({});
    expect(r.config.dataset.spec).toMatchObject({
      kind: 'audio',
      path: '/proj/speech',
      words: ['yes', 'no', 'up'],
      silence: 0.05,
      features: {
        windowSamples: 640,
        strideSamples: 320,
        coefficients: 10,
        melBands: 40,
        lowHz: 20,
        highHz: 4000,
      },
      augment: { shiftSamples: 1600, noise: 0.5, volume: 0.1, copies: 4 },
    });
  });

  it('defaults to 98×40 MFCC maps (30 ms / 10 ms, 40 coefficients)', () => {
    const a = analyze(search(`    path "speech"\n    words yes, no`));
    const r = resolveSearch(a.document, a.document.searches[0]!, '/proj/kws.unas');
    expect(r.ok && r.config.dataset.input).toEqual([98, 40, 1]);
    expect(r.ok && r.config.dataset.classes).toBe(4);
  });

  it('reports what does not fit audio, or does not fit images, where it is written', () => {
    expect(
      renderDiagnostics(
        search(
          `    path "s"\n    input 28x28x1\n    classes 3\n    features mfcc { coefficients 50  high 9 kHz }\n    augment { rotate 10  shift 2 }`,
        ),
      ),
    ).toEqual([
      '2:11-2:16 error an audio dataset needs its keywords: words yes, no, up, down',
      '4:11-4:18 error the features give 98x50x1 (frames × coefficients × 1)',
      '6:5-6:50 error MFCC: 50 coefficients need at least as many mel bands',
      '6:43-6:48 error high must be between 0 Hz and 8 kHz (the Nyquist frequency of 16 kHz audio)',
      "7:15-7:21 error 'rotate' augments images; audio takes shift, noise, volume and copies",
      '7:26-7:31 error audio shifts in time: shift 100 ms',
    ]);
    expect(
      renderDiagnostics(
        'search s {\n  dataset mnist { words yes, no  augment { copies 2  shift 10 ms } }\n  space { blocks 1..2 }\n}\n',
      ),
    ).toEqual([
      '2:25-2:32 error only an audio dataset has this setting (dataset audio { … })',
      "2:44-2:50 error 'copies' augments audio; this dataset is mnist",
      '2:60-2:65 error images shift by pixels: shift 2 (a time shift is for audio)',
    ]);
    expect(renderDiagnostics(search(`    path "s"\n    words yes, silence, yes`))).toEqual([
      "4:16-4:23 error 'silence' is a class of its own; it cannot be a keyword",
      "4:25-4:28 warning 'yes' is listed twice",
    ]);
  });

  it("estimates DS-CNN-S in the μNAS convention exactly as Hello Edge's figures (domain T4)", async () => {
    const r = await cli(
      ['estimate', '--convention', 'unas', '--json', 'examples/keyword-spotting.unas'],
      join(__dirname, '../../../..'),
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      models: {
        name: string;
        estimate: { totals: { params: number; macs: number; peakRam: number; flash: number } };
      }[];
    };
    const ds = out.models.find((m) => m.name === 'ds_cnn_s')!.estimate.totals;
    expect([ds.params, ds.macs, ds.peakRam, ds.flash]).toEqual([22604, 2664768, 16000, 22604]);
    // Beside it, the search's MFCC front end on the same board: 49×10 features, its tables, its time.
    const search = (out as unknown as { searches: { frontEnd?: { estimate: Record<string, unknown> } }[] })
      .searches[0]!;
    expect(search.frontEnd?.estimate).toMatchObject({ frames: 49, fftLength: 1024, ram: { features: 490 } });
    expect(search.frontEnd?.estimate.latencyMs).toBeGreaterThan(0);
  });
});
