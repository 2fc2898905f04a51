export { initTrainingBackend } from './backend-selection.js';
export type { BackendChoice, BackendName, BackendOptions, BackendRequest } from './backend-selection.js';
export type { WasmKernelFix } from './wasm-gradient-kernels.js';
export { registerWasmGradientKernels, wasmKernelFixes } from './wasm-gradient-kernels.js';
export { defaultWasmDirs, findWasmDir, wasmBinaries } from './wasm-dir.js';
