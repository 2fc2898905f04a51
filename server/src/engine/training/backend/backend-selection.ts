import { sep } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmGradientKernels } from './wasm-gradient-kernels.js';
import { defaultWasmDirs, findWasmDir, wasmBinaries } from './wasm-dir.js';

/** What the user may ask for; `auto` picks the fastest that loads. */
export type BackendRequest = 'auto' | 'tensorflow' | 'wasm' | 'cpu';
export type BackendName = Exclude<BackendRequest, 'auto'>;

/** The backend in use and why, for the status item and the log. */
export interface BackendChoice {
  readonly name: BackendName;
  readonly reason: string;
  /** Where the .wasm binaries were loaded from (wasm only). */
  readonly wasmDir?: string;
  /** Whether the SIMD build runs (wasm only). */
  readonly simd?: boolean;
}

export interface BackendOptions {
  /**
   * Folder holding the tfjs-backend-wasm binaries; default: the first of `defaultWasmDirs()` that has
   * them. Only the first successful wasm initialisation reads it.
   */
  readonly wasmDir?: string;
  /**
   * Loads native TensorFlow, which registers the 'tensorflow' backend; throws if unavailable. Default:
   * @tensorflow/tfjs-node-gpu, else @tensorflow/tfjs-node, from node_modules.
   */
  readonly loadTfjsNode?: () => void;
}

const tfjsNodeModule = '@tensorflow/tfjs-node';
/** Native TensorFlow builds, preferred first: the CUDA one registers the same `tensorflow` backend. */
const tfjsNodeModules = ['@tensorflow/tfjs-node-gpu', tfjsNodeModule] as const;

/**
 * Loads tfjs-node-gpu or tfjs-node, whichever is installed and loads, and says which. The names are
 * not literals so bundlers leave the require alone: the native addon must come from node_modules at
 * run time, never from the bundle. Throws the first real load failure, else tfjs-node's not-found.
 */
export function requireTfjsNode(load: (name: string) => unknown = require): string {
  let failure: unknown;
  for (const name of tfjsNodeModules) {
    try {
      load(name);
      return name;
    } catch (e) {
      if (!isMissing(e, name) || name === tfjsNodeModule) failure ??= e;
    }
  }
  throw failure;
}

function isMissing(e: unknown, name: string): boolean {
  return (
    e instanceof Error &&
    (e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' &&
    e.message.includes(`'${name}'`)
  );
}

/**
 * Makes `request` the global tfjs backend. `auto` tries tensorflow (tfjs-node-gpu or tfjs-node) → wasm → cpu and says
 * why it settled where it did; an explicit request that cannot be met throws with the cause.
 */
export async function initTrainingBackend(
  request: BackendRequest,
  options: BackendOptions = {},
): Promise<BackendChoice> {
  if (request === 'cpu') return useCpu('requested');
  if (request === 'tensorflow') {
    await useTensorflow(options);
    return { name: 'tensorflow', reason: 'requested' };
  }
  if (request === 'wasm') return { ...(await useWasm(options)), reason: 'requested' };

  const skipped: string[] = [];
  try {
    const loaded = await useTensorflow(options);
    const gpu = loaded === '@tensorflow/tfjs-node-gpu';
    return {
      name: 'tensorflow',
      reason: `tfjs-node${gpu ? '-gpu' : ''} loaded (native TensorFlow${gpu ? ', CUDA' : ''})`,
    };
  } catch (e) {
    skipped.push(tfjsNodeFailure(e));
  }
  try {
    return { ...(await useWasm(options)), reason: skipped.join('; ') };
  } catch (e) {
    skipped.push(`wasm failed: ${message(e)}`);
  }
  return useCpu(skipped.join('; '));
}

/** Returns the module that was loaded (tfjs-node's name for a custom loader). */
async function useTensorflow(options: BackendOptions): Promise<string> {
  let loaded = tfjsNodeModule;
  if (options.loadTfjsNode) options.loadTfjsNode();
  else loaded = requireTfjsNode();
  if (tf.findBackendFactory('tensorflow') == null) {
    throw new Error('tfjs-node loaded but registered no tensorflow backend');
  }
  await activate('tensorflow');
  return loaded;
}

async function useWasm(options: BackendOptions): Promise<Omit<BackendChoice, 'reason'>> {
  registerWasmGradientKernels();
  // Once initialised the binaries are in memory and new paths are moot. (Not `tf.findBackend`: it
  // starts initialising the backend, with the default paths.)
  if (!('wasm' in tf.engine().registry)) {
    // Checked here: a failed load would leave the wasm module refusing any later attempt.
    const dirs = options.wasmDir === undefined ? defaultWasmDirs() : [options.wasmDir];
    const dir = findWasmDir(dirs);
    if (dir === undefined) throw new Error(`no ${wasmBinaries.join(' and ')} in ${dirs.join(' or ')}`);
    // Emscripten joins prefix + file name and, in Node, reads it with fs: a folder path with a trailing
    // separator, not a URL.
    setWasmPaths(dir.endsWith('/') || dir.endsWith(sep) ? dir : dir + sep);
    await activate('wasm');
    return { name: 'wasm', wasmDir: dir, simd: await wasmSimd() };
  }
  await activate('wasm');
  return { name: 'wasm', simd: await wasmSimd() };
}

async function useCpu(reason: string): Promise<BackendChoice> {
  await activate('cpu');
  return { name: 'cpu', reason };
}

async function activate(name: BackendName): Promise<void> {
  if (!(await tf.setBackend(name)) || tf.getBackend() !== name) {
    throw new Error(`tfjs could not initialise the ${name} backend`);
  }
  await tf.ready();
}

async function wasmSimd(): Promise<boolean> {
  return Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
}

function tfjsNodeFailure(e: unknown): string {
  return isMissing(e, tfjsNodeModule) ? 'tfjs-node not installed' : `tfjs-node failed to load: ${message(e)}`;
}

function message(e: unknown): string {
  return e instanceof Error ? (e.message.split('\n')[0] ?? e.message) : String(e);
}
