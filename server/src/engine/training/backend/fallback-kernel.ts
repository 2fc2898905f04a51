import type * as tf from '@tensorflow/tfjs';

/** What a kernel function receives. */
export type KernelArgs = Parameters<tf.KernelFunc>[0];

/**
 * A kernel that replaces `builtIn` for the calls `fast` handles (it returns their output) and hands
 * every other call to `builtIn`. The built-in set-up stays: it binds the C++ function that still
 * serves those other calls.
 */
export function withFallback(
  builtIn: tf.KernelConfig,
  fast: (args: KernelArgs) => tf.TensorInfo | undefined,
): tf.KernelConfig {
  return {
    kernelName: builtIn.kernelName,
    backendName: 'wasm',
    ...(builtIn.setupFunc ? { setupFunc: builtIn.setupFunc } : {}),
    kernelFunc: (args) => fast(args) ?? builtIn.kernelFunc(args),
  };
}
