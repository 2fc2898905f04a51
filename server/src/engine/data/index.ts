/** Datasets for training and evaluation, without tfjs: the trainer wraps filled batches into tensors. */
export * from './dataset.js';
export * from './load-dataset.js';
export * from './batches.js';
export * from './augment.js';
export * from './normalisation.js';
export * from './stratify.js';
export { loadIdxPair, parseIdx, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC } from './idx.js';
export {
  loadMnist,
  loadFashionMnist,
  mnistDataDir,
  DEBIAN_FASHION_MNIST_DIR,
  FASHION_MNIST_CLASS_NAMES,
  type SourceData,
} from './mnist.js';
export { loadCifar10, CIFAR10_CLASS_NAMES, CIFAR10_BINARY_LABELS } from './cifar10.js';
export { loadImageFolder } from './image-folder.js';
