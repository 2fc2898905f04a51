import type * as tf from '@tensorflow/tfjs';
import { withFallback } from './fallback-kernel.js';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** An output that shares `x`'s heap data (reference-counted by the backend, as its own Reshape does). */
function share(backend: BackendWasm, x: tf.TensorInfo): tf.TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/**
 * Identity without a copy, as on the cpu backend: tensors are immutable, so sharing the data is
 * exact. tfjs-backend-wasm copies every element, and training runs Identity on every gradient.
 */
export const identity: tf.KernelFunc = ({ inputs, backend }) => {
  const { x } = inputs as tf.IdentityInputs;
  if (x === undefined) throw new Error('Identity needs x');
  return share(backend as BackendWasm, x);
};

/** Cast to the dtype the tensor already has (ReLU's gradient does so on every step) without a copy. */
export function castSharingSameType(builtIn: tf.KernelConfig): tf.KernelConfig {
  return withFallback(builtIn, (args) => {
    const { x } = args.inputs as tf.CastInputs;
    const { dtype } = args.attrs as unknown as tf.CastAttrs;
    return x !== undefined && x.dtype === dtype && dtype !== 'string'
      ? share(args.backend as BackendWasm, x)
      : undefined;
  });
}
