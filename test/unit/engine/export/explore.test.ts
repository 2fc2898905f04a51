import { it } from 'vitest';
import { loadDataset } from '../../../../server/src/engine/data/load-dataset.js';
import { analyze } from '../../../../server/src/engine/language/analyze.js';
import { initTrainingBackend } from '../../../../server/src/engine/training/backend/index.js';
import { trainCandidate } from '../../../../server/src/engine/training/trainer.js';

const V = [
`model d { input 28x28x1
  conv2d 8 k3 s2 same relu
  add { path { conv1x1 8 relu } path { dwconv2d k3 same bn } }
  maxpool 2
  batchnorm
  relu
  concat { path { conv1x1 8 relu6 } path { dwconv2d k3 same relu } }
  gap
  dense 10
  softmax }`,
`model e { input 28x28x1
  conv2d 8 k3 s2 same relu
  add { path { conv1x1 8 relu } path { dwconv2d k3 same bn } }
  avgpool 2
  batchnorm
  relu
  concat { path { conv2d 16 k3 same relu6 } path { dwconv2d k3 same relu } }
  maxpool 2
  gap
  dense 10
  softmax }`,
];
it('explore', async () => {
  await initTrainingBackend('wasm');
  const data = await loadDataset({ kind: 'mnist', subset: 4000, validation: 0.1, seed: 1 }, { baseDir: '.' });
  for (const t of V) {
    const a = analyze(t);
    const g = a.graphs.get(a.document.models[0]!)!;
    for (const lr of [0.01, 0.02]) {
      const r = await trainCandidate(g, data, { epochs: 2, batch: 32, optimizer: 'adam', lr, momentum: 0.9, weightDecay: 0, schedule: { kind: 'constant' }, earlyStop: 0, labelSmoothing: 0 }, { seed: 3, test: true });
      console.log(t.slice(6, 8), lr, r.status === 'trained' ? [r.curve, r.testAccuracy, r.seconds] : r);
    }
  }
}, 300000);
