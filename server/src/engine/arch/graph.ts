/**
 * The architecture graph: the one representation of a network shared by the language (concrete
 * models), the search (candidates), the resource models, the trainer and the exporter.
 *
 * Nodes are listed in a valid topological order (the order the source wrote them). Each node
 * produces exactly one tensor; `shape` is that tensor's shape without the batch dimension:
 * `[H, W, C]` for feature maps, `[N]` for vectors. Batch norm and activations that directly follow a
 * conv / depthwise conv / dense are *fused* into it (`batchnorm`, `activation` fields): they have no
 * tensor and cost no RAM, flash or MACs, as in a deployed TFLite Micro model.
 */

export type Shape = readonly number[];
export type Pair = readonly [number, number];
export type Padding = 'valid' | 'same';
export type Activation = 'none' | 'relu' | 'relu6';
export type PoolType = 'max' | 'avg';

export interface InputOp {
  readonly kind: 'input';
  readonly shape: Shape;
}
export interface Conv2DOp {
  readonly kind: 'conv2d';
  readonly filters: number;
  readonly kernel: Pair;
  readonly stride: Pair;
  readonly padding: Padding;
  readonly activation: Activation;
  readonly batchnorm: boolean;
}
/** A 1×1 convolution, stride 1, without batch norm: how a path is brought to a channel count. */
export const conv1x1 = (
  filters: number,
  padding: Padding = 'valid',
  activation: Activation = 'none',
): Conv2DOp => ({
  kind: 'conv2d',
  filters,
  kernel: [1, 1],
  stride: [1, 1],
  padding,
  activation,
  batchnorm: false,
});
export interface DepthwiseConv2DOp {
  readonly kind: 'dwconv2d';
  readonly kernel: Pair;
  readonly stride: Pair;
  readonly padding: Padding;
  /** Depth multiplier; μNAS uses 1. */
  readonly multiplier: number;
  readonly activation: Activation;
  readonly batchnorm: boolean;
}
export interface PoolOp {
  readonly kind: 'pool';
  readonly type: PoolType;
  readonly size: Pair;
  readonly stride: Pair;
  readonly padding: Padding;
}
export interface GlobalPoolOp {
  readonly kind: 'global-pool';
  readonly type: PoolType;
}
export interface FlattenOp {
  readonly kind: 'flatten';
}
export interface DenseOp {
  readonly kind: 'dense';
  readonly units: number;
  readonly activation: Activation;
  readonly batchnorm: boolean;
}
/**
 * Element-wise sum of inputs of the same shape. The builder lowers a sum of more than two terms into
 * a chain of two-input adds (`sumOrder`), as TFLite's ADD has exactly two inputs; the exporter refuses
 * any other count.
 */
export interface AddOp {
  readonly kind: 'add';
}
/** Channel concatenation of ≥ 2 feature maps of the same spatial size. */
export interface ConcatOp {
  readonly kind: 'concat';
}
/** Training only: identity at inference (no tensor is kept by the resource models). */
export interface DropoutOp {
  readonly kind: 'dropout';
  readonly rate: number;
}
export interface SoftmaxOp {
  readonly kind: 'softmax';
}
/** A batch norm that could not be fused (it does not follow a conv or dense). */
export interface BatchNormOp {
  readonly kind: 'batchnorm';
}
/** An activation that could not be fused. */
export interface ActivationOp {
  readonly kind: 'activation';
  readonly fn: Exclude<Activation, 'none'>;
}

export type Op =
  | InputOp
  | Conv2DOp
  | DepthwiseConv2DOp
  | PoolOp
  | GlobalPoolOp
  | FlattenOp
  | DenseOp
  | AddOp
  | ConcatOp
  | DropoutOp
  | SoftmaxOp
  | BatchNormOp
  | ActivationOp;

export type OpKind = Op['kind'];

/** Where a node came from, so findings can point at the source ("layer 3 is the peak"). */
export interface Origin {
  /** Index of the layer statement in the model (0-based), when the node came from a model. */
  readonly layer?: number;
  /** Offsets into the source document, when known. */
  readonly start?: number;
  readonly end?: number;
  /** What the layer is called where it came from, when not from a file (a genotype's `layer 2.1`). */
  readonly label?: string;
}

export interface GraphNode {
  readonly id: number;
  readonly op: Op;
  /** Ids of the nodes whose outputs this node reads; always smaller than `id`. */
  readonly inputs: readonly number[];
  /** Output shape, batch excluded. */
  readonly shape: Shape;
  /** A readable name, unique in the graph (e.g. `conv2d_1`). */
  readonly name: string;
  readonly origin?: Origin;
}

export interface ArchGraph {
  /** Topologically ordered; `nodes[i].id === i`; node 0 is the single input. */
  readonly nodes: readonly GraphNode[];
  /** Id of the node whose output is the network's output (the last node). */
  readonly output: number;
}

export function elementCount(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
