import * as tf from '@tensorflow/tfjs';
import { initTrainingBackend } from '../server/src/engine/training/backend/backend-selection.js';
import { munasNetworks, referenceNetwork, type BenchNetwork } from './training-networks.js';
import { trainingStep } from './training-step.js';

/** Kernel name → milliseconds of one training step. */
type KernelTimes = Map<string, number>;

/**
 * The profiler mode (`npm run bench training-profile`): per-kernel time of one wasm training step
 * (after warm-up) of the reference CNN and of the 20 seeded μNAS networks, as shares of the kernel
 * time, so speed work is aimed at what a search really spends its time on. Composite kernels (this
 * project's gradient kernels) count as one kernel each.
 */
export async function benchTrainingProfile(
  options: { batch?: number; networks?: number } = {},
): Promise<Record<string, unknown>> {
  const { batch = 128, networks = 20 } = options;
  await initTrainingBackend('wasm');
  const reference = await profileStep(referenceNetwork(), batch);
  const all: KernelTimes = new Map();
  const perNetwork: Record<string, unknown> = {};
  for (const net of munasNetworks(networks)) {
    const times = await profileStep(net, batch);
    for (const [k, ms] of times) all.set(k, (all.get(k) ?? 0) + ms);
    perNetwork[net.name] = breakdown(times, 3);
  }
  return {
    batch,
    reference: breakdown(reference, 12),
    munasTotal: breakdown(all, 16),
    munasTop3: perNetwork,
  };
}

async function profileStep(net: BenchNetwork, batch: number): Promise<KernelTimes> {
  const step = trainingStep(net.graph, batch);
  try {
    for (let i = 0; i < 2; i++) await step.run();
    const info = await tf.profile(() => step.run());
    const times: KernelTimes = new Map();
    for (const k of info.kernels) {
      // `…__op` entries wrap custom-gradient ops whose inner kernels are recorded too.
      if (k.name.endsWith('__op')) continue;
      const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      times.set(k.name, (times.get(k.name) ?? 0) + ms);
    }
    return times;
  } finally {
    step.dispose();
  }
}

/** Total kernel ms and the `top` kernels as "ms (share %)", largest first; the rest summed. */
function breakdown(times: KernelTimes, top: number): Record<string, string> {
  const total = [...times.values()].reduce((a, b) => a + b, 0);
  const sorted = [...times].sort((a, b) => b[1] - a[1]);
  const fmt = (ms: number) => `${ms.toFixed(1)} ms (${((100 * ms) / Math.max(total, 1e-9)).toFixed(1)} %)`;
  const out: Record<string, string> = { total: `${total.toFixed(1)} ms` };
  for (const [name, ms] of sorted.slice(0, top)) out[name] = fmt(ms);
  const rest = sorted.slice(top).reduce((a, [, ms]) => a + ms, 0);
  if (rest > 0) out.other = fmt(rest);
  return out;
}
