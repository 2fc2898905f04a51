/**
 * Per-core cost models for int8 inference with TFLite Micro and the vendor-optimised kernels
 * (CMSIS-NN on Arm, ESP-NN on Espressif). Coarse coefficients: cycles per MAC per kernel kind,
 * cycles per element for data-movement operators, and a fixed cost per operator invocation.
 * They come from first principles (MACs per SIMD instruction, load costs) checked against
 * published anchors — docs/resources.md lists them. Expect ±50 %; calibrate per board by measuring.
 */

export type CoreId =
  | 'cortex-m0plus'
  | 'cortex-m3'
  | 'cortex-m4'
  | 'cortex-m7'
  | 'cortex-m33'
  | 'cortex-m55'
  | 'xtensa-lx7'
  | 'riscv32-imc';

export interface CoreModel {
  readonly id: CoreId;
  readonly name: string;
  /** Whether TFLM uses CMSIS-NN here by default (kernel-scratch.ts; a target's `kernels` overrides it). */
  readonly cmsisNn: boolean;
  /** DSP / SIMD extension present (CMSIS-NN's optimised paths and their scratch buffers). */
  readonly dsp: boolean;
  /** Cycles per MAC: spatial conv (im2col + GEMM), 1×1 conv, depthwise, fully connected. */
  readonly cyclesPerMac: {
    readonly conv: number;
    readonly pointwise: number;
    readonly depthwise: number;
    readonly dense: number;
  };
  /** Cycles per element: pooling window element, add term, softmax output, other element-wise, byte copied. */
  readonly cyclesPerElement: {
    readonly pool: number;
    readonly add: number;
    readonly softmax: number;
    readonly elementwise: number;
    readonly copy: number;
  };
  /** Interpreter dispatch + per-invocation setup per operator. */
  readonly opOverhead: number;
  readonly notes: string;
}

const core = (m: CoreModel): CoreModel => m;

export const CORES: Readonly<Record<CoreId, CoreModel>> = {
  'cortex-m0plus': core({
    id: 'cortex-m0plus',
    dsp: false,
    name: 'Arm Cortex-M0+',
    cmsisNn: true,
    cyclesPerMac: { conv: 8, pointwise: 7, depthwise: 12, dense: 7 },
    cyclesPerElement: { pool: 4, add: 10, softmax: 120, elementwise: 6, copy: 1.5 },
    opOverhead: 4000,
    notes:
      'ARMv6-M, no DSP/SIMD: CMSIS-NN falls back to plain C (2-cycle loads, 1-cycle multiplier on RP2040/SAMD21).',
  }),
  'cortex-m3': core({
    id: 'cortex-m3',
    dsp: false,
    name: 'Arm Cortex-M3',
    cmsisNn: true,
    cyclesPerMac: { conv: 4, pointwise: 3.5, depthwise: 6, dense: 4 },
    cyclesPerElement: { pool: 3, add: 8, softmax: 90, elementwise: 4, copy: 1 },
    opOverhead: 3000,
    notes: 'ARMv7-M without DSP extension: single-cycle MLA but no dual 16-bit MAC (SMLAD).',
  }),
  'cortex-m4': core({
    id: 'cortex-m4',
    dsp: true,
    name: 'Arm Cortex-M4',
    cmsisNn: true,
    cyclesPerMac: { conv: 2, pointwise: 1.6, depthwise: 3.5, dense: 2 },
    cyclesPerElement: { pool: 2, add: 6, softmax: 70, elementwise: 3, copy: 0.6 },
    opOverhead: 2500,
    notes:
      'ARMv7E-M DSP: SMLAD does 2 MACs/cycle on int16-extended operands; weights stream from flash with wait states.',
  }),
  'cortex-m7': core({
    id: 'cortex-m7',
    dsp: true,
    name: 'Arm Cortex-M7',
    cmsisNn: true,
    cyclesPerMac: { conv: 1, pointwise: 0.8, depthwise: 2, dense: 1.2 },
    cyclesPerElement: { pool: 1.2, add: 4, softmax: 50, elementwise: 2, copy: 0.4 },
    opOverhead: 2000,
    notes:
      'Dual-issue ARMv7E-M with caches / TCM; CMSIS-NN paper: 1.74 cycles/MAC for a 5×5 CIFAR-10 CNN with its 2018 q7 kernels.',
  }),
  'cortex-m33': core({
    id: 'cortex-m33',
    dsp: true,
    name: 'Arm Cortex-M33',
    cmsisNn: true,
    cyclesPerMac: { conv: 2.2, pointwise: 1.8, depthwise: 3.8, dense: 2.2 },
    cyclesPerElement: { pool: 2, add: 6, softmax: 70, elementwise: 3, copy: 0.6 },
    opOverhead: 2500,
    notes: 'ARMv8-M Mainline with the DSP extension (as in STM32U5, nRF5340, RP2350): M4-class kernels.',
  }),
  'cortex-m55': core({
    id: 'cortex-m55',
    dsp: true,
    name: 'Arm Cortex-M55 (Helium)',
    cmsisNn: true,
    cyclesPerMac: { conv: 0.35, pointwise: 0.3, depthwise: 0.7, dense: 0.5 },
    cyclesPerElement: { pool: 0.5, add: 1.5, softmax: 30, elementwise: 1, copy: 0.25 },
    opOverhead: 2000,
    notes:
      'MVE (Helium) int8 VMLADAV: up to 8 MACs/cycle in the inner loop, less after im2col and requantisation.',
  }),
  'xtensa-lx7': core({
    id: 'xtensa-lx7',
    dsp: true,
    name: 'Xtensa LX7 (ESP32-S3)',
    cmsisNn: false,
    cyclesPerMac: { conv: 1, pointwise: 0.8, depthwise: 1.8, dense: 1.2 },
    cyclesPerElement: { pool: 1.5, add: 4, softmax: 60, elementwise: 2, copy: 0.5 },
    opOverhead: 3000,
    notes: 'ESP32-S3 PIE 128-bit SIMD used by ESP-NN; without ESP-NN expect 5–10× slower.',
  }),
  'riscv32-imc': core({
    id: 'riscv32-imc',
    dsp: false,
    name: 'RISC-V RV32IMC (ESP32-C3)',
    cmsisNn: false,
    cyclesPerMac: { conv: 5, pointwise: 4.5, depthwise: 7, dense: 5 },
    cyclesPerElement: { pool: 3, add: 8, softmax: 100, elementwise: 4, copy: 1 },
    opOverhead: 3500,
    notes:
      'No packed SIMD (no P extension): one MUL + ADD per MAC plus loads; TFLM reference kernels / ESP-NN C paths.',
  }),
};

export const CORE_IDS: readonly CoreId[] = Object.keys(CORES) as CoreId[];

export function isCoreId(s: string): s is CoreId {
  return Object.prototype.hasOwnProperty.call(CORES, s);
}
