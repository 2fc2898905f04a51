import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** The file scripts/generate-wasm-kernels.sh builds from kernels/gradient-kernels.c. */
export const SIMD_KERNELS_FILE = 'gradient-kernels.wasm';

/** The C kernels' exports; every pointer is a byte offset into the wasm backend's heap. */
export interface SimdKernels {
  sum_leading(x: number, rows: number, cols: number, scale: number, acc: number, out: number): void;
  conv2d_backprop_filter(x: number, dy: number, out: number, acc: number, ...geometry: number[]): void;
  depthwise_backprop_filter(x: number, dy: number, out: number, acc: number, ...geometry: number[]): void;
  depthwise_backprop_input(dy: number, filter: number, dx: number, ...geometry: number[]): void;
  max_pool_grad(x: number, dy: number, dx: number, ...geometry: number[]): void;
  matmul_strided_a(
    a: number,
    b: number,
    c: number,
    m: number,
    k: number,
    n: number,
    am: number,
    ak: number,
  ): void;
  conv2d_backprop_input(dy: number, filter: number, dx: number, wt: number, ...geometry: number[]): void;
  batch_norm(x: number, mean: number, k: number, offset: number, out: number, rows: number, c: number): void;
  avg_pool_grad(dy: number, dx: number, ...geometryAndScale: number[]): void;
  matmul_bt(a: number, b: number, c: number, m: number, k: number, n: number): void;
}

/** A WebAssembly.Memory: the engine's TypeScript lib has no WebAssembly types. */
type Memory = object;

/** What this code uses of the WebAssembly global (Node's). */
interface WebAssemblyApi {
  Memory: abstract new (...args: never[]) => Memory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

/** What this code uses of the Emscripten module behind the wasm backend. */
interface HeapModule {
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  asm?: { memory?: unknown };
}

/**
 * Where the module may be: next to this file's bundle (esbuild.mjs copies it into dist/), or in
 * generated/ beside the sources (tests, benchmarks).
 */
export function simdKernelPaths(dir = dirname(__filename)): string[] {
  return [join(dir, SIMD_KERNELS_FILE), join(dir, 'generated', SIMD_KERNELS_FILE)];
}

// One instance per backend heap: it must run on the very memory the tensors live in.
const instances = new WeakMap<Memory, SimdKernels>();

/** The kernels, instantiated on `backend`'s memory at first use. */
export function simdKernels(backend: BackendWasm): SimdKernels {
  const memory = heap(backend).asm?.memory;
  if (!(memory instanceof wasmApi.Memory))
    throw new Error('tfjs-backend-wasm does not expose its memory (wasm.asm.memory)');
  let kernels = instances.get(memory);
  if (!kernels) {
    const path = simdKernelPaths().find((p) => existsSync(p));
    if (!path) throw new Error(`${SIMD_KERNELS_FILE} not found in ${simdKernelPaths().join(' or ')}`);
    // Synchronous: kernels run synchronously, and Node compiles a module of this size at once.
    const module = new wasmApi.Module(readFileSync(path));
    const instance = new wasmApi.Instance(module, { env: { memory } });
    kernels = instance.exports as unknown as SimdKernels;
    instances.set(memory, kernels);
  }
  return kernels;
}

/** The byte offset of a tensor's data in the backend's heap. */
export function heapOffset(backend: BackendWasm, t: tf.TensorInfo): number {
  return backend.getMemoryOffset(t.dataId);
}

/** Runs `body` with `bytes` of scratch from the backend's allocator (never the kernel module's own memory). */
export function withScratch<T>(backend: BackendWasm, bytes: number, body: (ptr: number) => T): T {
  const h = heap(backend);
  const ptr = h._malloc(Math.max(8, bytes));
  if (!ptr) throw new Error(`wasm heap: cannot allocate ${bytes} bytes of scratch`);
  try {
    return body(ptr);
  } finally {
    h._free(ptr);
  }
}

function heap(backend: BackendWasm): HeapModule {
  return backend.wasm as unknown as HeapModule;
}
