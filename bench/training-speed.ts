import { loadavg } from 'node:os';
import { initTrainingBackend } from '../server/src/engine/training/backend/backend-selection.js';
import { median } from '../server/src/engine/search/objectives.js';
import { describe, munasNetworks, referenceNetwork } from './training-networks.js';
import { samplesPerSec } from './training-step.js';
import { startTorch } from './torch-trainer.js';

export interface TrainingSpeedOptions {
  readonly batch?: number;
  readonly warmup?: number;
  readonly steps?: number;
  readonly networks?: number;
  /** Alternations of wasm and PyTorch per network; each reports its best round. */
  readonly rounds?: number;
}

const round = (v: number) => Math.round(v * 100) / 100;

/**
 * Training samples/s of tfjs-backend-wasm and of PyTorch (one thread) on the reference CNN and on
 * seeded μNAS networks. Each network alternates between wasm and PyTorch `rounds` times and keeps each
 * one's best round, so load from other processes hits both alike; the load average is reported too.
 */
export async function benchTrainingSpeed(
  options: TrainingSpeedOptions = {},
): Promise<Record<string, unknown>> {
  const { batch = 128, warmup = 2, steps = 5, networks = 20, rounds = 2 } = options;
  const loadBefore = loadavg();
  const choice = await initTrainingBackend('wasm');
  const torch = await startTorch();
  const results: Record<string, unknown>[] = [];
  try {
    for (const net of [referenceNetwork(), ...munasNetworks(networks)]) {
      let wasm = 0;
      let pt: number | undefined;
      for (let r = 0; r < rounds; r++) {
        wasm = Math.max(wasm, await samplesPerSec(net.graph, batch, warmup, steps));
        if ('version' in torch)
          pt = Math.max(pt ?? 0, await torch.samplesPerSec(net.graph, batch, warmup, steps));
      }
      results.push({
        name: net.name,
        ...describe(net),
        wasmSamplesPerSec: round(wasm),
        ...(pt !== undefined ? { torchSamplesPerSec: round(pt), ratio: round(wasm / pt) } : {}),
      });
    }
  } finally {
    if ('version' in torch) torch.close();
  }
  const munas = results.slice(1);
  const med = (key: string) => {
    const values = munas.map((r) => r[key]).filter((v): v is number => typeof v === 'number');
    return values.length ? round(median(values)!) : undefined;
  };
  return {
    batch,
    steps,
    rounds,
    simd: choice.simd,
    torch: 'version' in torch ? `${torch.version}, 1 thread` : { unavailable: torch.unavailable },
    loadAverage: { before: loadBefore.map(round), after: loadavg().map(round) },
    reference: results[0],
    munasMedian: {
      wasmSamplesPerSec: med('wasmSamplesPerSec'),
      torchSamplesPerSec: med('torchSamplesPerSec'),
      ratio: med('ratio'),
    },
    goalRatio: 1,
    acceptRatio: 0.5,
    networks: munas,
  };
}
