import * as tf from '@tensorflow/tfjs';

/** The backend a kernel function receives (typed loosely by tfjs). */
export type KernelFuncBackend = Parameters<tf.KernelFunc>[0]['backend'];

/** Calls kernels of the backend a composite kernel is running on. */
export interface KernelScope {
  run(kernelName: string, inputs: tf.NamedTensorInfoMap, attrs?: tf.NamedAttrMap): tf.TensorInfo;
}

/**
 * Runs `body` as the implementation of a composite kernel: it calls other kernel functions of the same
 * backend directly (as tfjs' own composite kernels do; going through tf ops from inside a kernel would
 * bypass the engine's bookkeeping), and disposes every intermediate except the returned one, on success
 * and on error alike. Reshape outputs share their input's data with a raised refcount, so disposing each
 * output once is exactly right.
 */
export function runComposite(
  backend: KernelFuncBackend,
  backendName: string,
  body: (scope: KernelScope) => tf.TensorInfo,
): tf.TensorInfo {
  const owned: tf.TensorInfo[] = [];
  const scope: KernelScope = {
    run(kernelName, inputs, attrs = {}) {
      const kernel = tf.getKernel(kernelName, backendName);
      if (kernel === undefined) throw new Error(`kernel ${kernelName} is not registered for ${backendName}`);
      const out = kernel.kernelFunc({ inputs, backend, attrs });
      if (Array.isArray(out)) throw new Error(`kernel ${kernelName} returned several outputs`);
      owned.push(out);
      return out;
    },
  };
  let result: tf.TensorInfo | undefined;
  try {
    result = body(scope);
    if (!owned.includes(result))
      throw new Error('a composite kernel must return the output of a kernel it ran');
    return result;
  } finally {
    for (const t of owned) if (t !== result) (backend as tf.KernelBackend).disposeData(t.dataId);
  }
}
