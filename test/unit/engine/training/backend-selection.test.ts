import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  initTrainingBackend,
  requireTfjsNode,
} from '../../../../server/src/engine/training/backend/backend-selection.js';
import { defaultWasmDirs, findWasmDir } from '../../../../server/src/engine/training/backend/wasm-dir.js';

// The tfjs backend is process-global: these tests run in order and leave cpu active. The failing wasm
// cases come first, as they must not touch the wasm module (a failed load poisons it for the process).
describe('initTrainingBackend', () => {
  const emptyDir = mkdtempSync(join(tmpdir(), 'unas-wasm-'));
  const packageDist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('finds the wasm binaries in the installed package, not in an empty folder', () => {
    expect(defaultWasmDirs()).toContain(packageDist);
    expect(findWasmDir([emptyDir, packageDist])).toBe(packageDist);
    expect(findWasmDir([emptyDir])).toBeUndefined();
  });

  it('rejects an explicit wasm request when the binaries are missing', async () => {
    await expect(initTrainingBackend('wasm', { wasmDir: emptyDir })).rejects.toThrow(
      /tfjs-backend-wasm\.wasm/,
    );
  });

  it('auto falls back to cpu and says why when neither tfjs-node nor wasm can load', async () => {
    const choice = await initTrainingBackend('auto', { wasmDir: emptyDir });
    expect(choice.name).toBe('cpu');
    expect(choice.reason).toMatch(/^tfjs-node not installed; wasm failed: no tfjs-backend-wasm\.wasm/);
    expect(tf.getBackend()).toBe('cpu');
  });

  it('auto picks wasm here, because tfjs-node is not installed', async () => {
    const choice = await initTrainingBackend('auto');
    expect(choice).toEqual({
      name: 'wasm',
      reason: 'tfjs-node not installed',
      wasmDir: packageDist,
      simd: true,
    });
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')).toBeDefined();
  });

  it('reports a tfjs-node that is installed but fails to load', async () => {
    const choice = await initTrainingBackend('auto', {
      loadTfjsNode: () => {
        throw new Error('libtensorflow.so: cannot open');
      },
    });
    expect(choice).toMatchObject({
      name: 'wasm',
      reason: 'tfjs-node failed to load: libtensorflow.so: cannot open',
    });
  });

  it('honours an explicit cpu request and rejects an unmet tensorflow one', async () => {
    expect(await initTrainingBackend('cpu')).toEqual({ name: 'cpu', reason: 'requested' });
    expect(tf.getBackend()).toBe('cpu');
    await expect(initTrainingBackend('tensorflow')).rejects.toThrow(/@tensorflow\/tfjs-node/);
    expect(await initTrainingBackend('wasm')).toMatchObject({ name: 'wasm', reason: 'requested' });
  });

  it('auto prefers tensorflow when tfjs-node registers it', async () => {
    // A stand-in for tfjs-node: a cpu backend registered under its name.
    const fakeTfjsNode = () => {
      tf.registerBackend('tensorflow', () => new tf.MathBackendCPU());
      tf.copyRegisteredKernels('cpu', 'tensorflow');
    };
    const choice = await initTrainingBackend('auto', { loadTfjsNode: fakeTfjsNode });
    expect(choice).toEqual({ name: 'tensorflow', reason: 'tfjs-node loaded (native TensorFlow)' });
    expect(tf.getBackend()).toBe('tensorflow');
  });

  it('loads tfjs-node-gpu before tfjs-node, and reports the first real failure', () => {
    const notFound = (name: string) =>
      Object.assign(new Error(`Cannot find module '${name}'`), { code: 'MODULE_NOT_FOUND' });
    const loader =
      (present: Record<string, Error | undefined>) =>
      (name: string): unknown => {
        if (!(name in present)) throw notFound(name);
        const failure = present[name];
        if (failure) throw failure;
        return {};
      };
    expect(requireTfjsNode(loader({ '@tensorflow/tfjs-node-gpu': undefined }))).toBe(
      '@tensorflow/tfjs-node-gpu',
    );
    expect(requireTfjsNode(loader({ '@tensorflow/tfjs-node': undefined }))).toBe('@tensorflow/tfjs-node');
    const noCuda = new Error('libcudart.so.11.0: cannot open shared object file');
    expect(
      requireTfjsNode(loader({ '@tensorflow/tfjs-node-gpu': noCuda, '@tensorflow/tfjs-node': undefined })),
    ).toBe('@tensorflow/tfjs-node');
    expect(() => requireTfjsNode(loader({ '@tensorflow/tfjs-node-gpu': noCuda }))).toThrow(noCuda);
    expect(() => requireTfjsNode(loader({}))).toThrow(/Cannot find module '@tensorflow\/tfjs-node'/);
  });
});
