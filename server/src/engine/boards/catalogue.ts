import type { CoreId } from '../resources/cores.js';

/**
 * Boards and MCUs the language knows by name, with on-chip RAM, flash, core and maximum clock
 * from the vendors' datasheets / product pages. RAM is on-chip SRAM only (no PSRAM/SDRAM);
 * flash is what the board gives the application (on-chip, or the board's QSPI chip for
 * RP2040/ESP32/i.MX RT parts).
 *
 * `reserve` is what the runtime and the application keep for themselves (stack, heap, drivers,
 * RTOS; code of the firmware, TFLM and its kernels). Default: RAM max(4 KiB, 10 %), flash
 * max(64 KiB, 10 %) — TFLM with a CMSIS-NN kernel set is ~50–80 KiB of code and a bare-metal
 * application a few KiB of stack. Boards whose usual runtime needs more say so (Arduino's Mbed OS
 * core, ESP-IDF whose application partition caps the model); docs/resources.md explains each.
 */
export interface Board {
  /** Lowercase, hyphenated: the name used in .unas files. */
  readonly id: string;
  readonly name: string;
  readonly aliases: readonly string[];
  readonly mcu: string;
  readonly core: CoreId;
  readonly clockHz: number;
  readonly ramBytes: number;
  /** Largest contiguous RAM region: the tensor arena must fit in one. */
  readonly ramContiguousBytes: number;
  readonly flashBytes: number;
  readonly reserve: { readonly ram: number; readonly flash: number };
  readonly notes?: string;
  /** Where the figures come from. */
  readonly source: string;
}

const KiB = 1024;
const MiB = 1024 * KiB;
const MHz = 1_000_000;

/** The default reserve: RAM max(4 KiB, 10 %), flash max(64 KiB, 10 %), rounded up to 1 KiB. */
export function defaultReserve(ramBytes: number, flashBytes: number): { ram: number; flash: number } {
  const up = (n: number): number => Math.ceil(n / KiB) * KiB;
  return { ram: up(Math.max(4 * KiB, ramBytes * 0.1)), flash: up(Math.max(64 * KiB, flashBytes * 0.1)) };
}

interface BoardSpec extends Omit<Board, 'reserve' | 'ramContiguousBytes'> {
  readonly ramContiguousBytes?: number;
  readonly reserve?: { readonly ram: number; readonly flash: number };
}

const board = (b: BoardSpec): Board => ({
  ...b,
  ramContiguousBytes: b.ramContiguousBytes ?? b.ramBytes,
  reserve: b.reserve ?? defaultReserve(b.ramBytes, b.flashBytes),
});

/** Arduino's Mbed OS core keeps ~45 KiB of RAM and ~80 KiB of flash before any sketch code. */
const ARDUINO_MBED_RESERVE = { ram: 64 * KiB, flash: 256 * KiB };
/** ESP-IDF: the model lives in the app partition (3 MiB "huge app" layout) next to ~450 KiB of IDF + TFLM code. */
const espReserve = (flashBytes: number): { ram: number; flash: number } => ({
  ram: 128 * KiB,
  flash: flashBytes - (3 * MiB - 448 * KiB),
});

export const BOARDS: readonly Board[] = [
  board({
    id: 'nucleo-f746zg',
    name: 'ST NUCLEO-F746ZG',
    aliases: ['stm32f746', 'stm32f746zg', 'stm32f746g-disco', 'f746'],
    mcu: 'STM32F746ZG',
    core: 'cortex-m7',
    clockHz: 216 * MHz,
    ramBytes: 320 * KiB,
    flashBytes: 1 * MiB,
    notes: '64 KiB DTCM + 240 KiB SRAM1 + 16 KiB SRAM2, contiguous from 0x20000000.',
    source: 'ST DS10916 (STM32F745xx/F746xx datasheet)',
  }),
  board({
    id: 'nucleo-f767zi',
    name: 'ST NUCLEO-F767ZI',
    aliases: ['stm32f767', 'stm32f767zi', 'f767'],
    mcu: 'STM32F767ZI',
    core: 'cortex-m7',
    clockHz: 216 * MHz,
    ramBytes: 512 * KiB,
    flashBytes: 2 * MiB,
    notes: '128 KiB DTCM + 368 KiB SRAM1 + 16 KiB SRAM2, contiguous.',
    source: 'ST DS11532 (STM32F765xx/F767xx datasheet)',
  }),
  board({
    id: 'nucleo-h743zi',
    name: 'ST NUCLEO-H743ZI2',
    aliases: ['stm32h743', 'stm32h743zi', 'nucleo-h743zi2', 'h743'],
    mcu: 'STM32H743ZI',
    core: 'cortex-m7',
    clockHz: 480 * MHz,
    ramBytes: 1 * MiB,
    ramContiguousBytes: 512 * KiB,
    flashBytes: 2 * MiB,
    notes:
      '1 MiB RAM in several regions (128 KiB DTCM, 512 KiB AXI SRAM, 288 KiB SRAM1–3, 64 KiB SRAM4, 64 KiB ITCM); the arena fits in the 512 KiB AXI SRAM at most. 480 MHz for silicon revision V.',
    source: 'ST DS12110 (STM32H742xx/H743xx datasheet)',
  }),
  board({
    id: 'nucleo-f411re',
    name: 'ST NUCLEO-F411RE',
    aliases: ['stm32f411', 'stm32f411re', 'f411'],
    mcu: 'STM32F411RE',
    core: 'cortex-m4',
    clockHz: 100 * MHz,
    ramBytes: 128 * KiB,
    flashBytes: 512 * KiB,
    source: 'ST DS10314 (STM32F411xC/xE datasheet)',
  }),
  board({
    id: 'blackpill-f411ce',
    name: 'WeAct Black Pill (STM32F411CE)',
    aliases: ['black-pill', 'blackpill', 'stm32f411ce'],
    mcu: 'STM32F411CEU6',
    core: 'cortex-m4',
    clockHz: 100 * MHz,
    ramBytes: 128 * KiB,
    flashBytes: 512 * KiB,
    source: 'ST DS10314 (STM32F411xC/xE datasheet); WeAct Studio BlackPill v3.0',
  }),
  board({
    id: 'nucleo-l476rg',
    name: 'ST NUCLEO-L476RG',
    aliases: ['stm32l476', 'stm32l476rg', 'l476'],
    mcu: 'STM32L476RG',
    core: 'cortex-m4',
    clockHz: 80 * MHz,
    ramBytes: 128 * KiB,
    flashBytes: 1 * MiB,
    notes: '96 KiB SRAM1 + 32 KiB SRAM2; SRAM2 is also mapped right after SRAM1, so 128 KiB are contiguous.',
    source: 'ST DS10198 (STM32L476xx datasheet)',
  }),
  board({
    id: 'nucleo-l4r5zi',
    name: 'ST NUCLEO-L4R5ZI',
    aliases: ['stm32l4r5', 'stm32l4r5zi', 'l4r5'],
    mcu: 'STM32L4R5ZI',
    core: 'cortex-m4',
    clockHz: 120 * MHz,
    ramBytes: 640 * KiB,
    flashBytes: 2 * MiB,
    notes: 'The MLPerf Tiny reference platform.',
    source: 'ST DS12023 (STM32L4R5xx/L4R7xx/L4R9xx datasheet)',
  }),
  board({
    id: 'b-u585i-iot02a',
    name: 'ST B-U585I-IOT02A Discovery kit',
    aliases: ['stm32u585', 'stm32u585ai', 'u585'],
    mcu: 'STM32U585AI',
    core: 'cortex-m33',
    clockHz: 160 * MHz,
    ramBytes: 786 * KiB,
    flashBytes: 2 * MiB,
    source: 'ST DS13086 (STM32U585xx datasheet)',
  }),
  board({
    id: 'arduino-nano-33-ble',
    name: 'Arduino Nano 33 BLE / BLE Sense',
    aliases: ['nano-33-ble', 'nano-33-ble-sense', 'arduino-nano-33-ble-sense'],
    mcu: 'nRF52840',
    core: 'cortex-m4',
    clockHz: 64 * MHz,
    ramBytes: 256 * KiB,
    flashBytes: 1 * MiB,
    reserve: ARDUINO_MBED_RESERVE,
    notes: 'Arduino Mbed OS core: reserve sized for it.',
    source: 'Nordic nRF52840 Product Specification v1.7',
  }),
  board({
    id: 'nrf52840-dk',
    name: 'Nordic nRF52840 DK',
    aliases: ['nrf52840', 'pca10056'],
    mcu: 'nRF52840',
    core: 'cortex-m4',
    clockHz: 64 * MHz,
    ramBytes: 256 * KiB,
    flashBytes: 1 * MiB,
    source: 'Nordic nRF52840 Product Specification v1.7',
  }),
  board({
    id: 'raspberry-pi-pico',
    name: 'Raspberry Pi Pico',
    aliases: ['pico', 'rpi-pico', 'rp2040'],
    mcu: 'RP2040',
    core: 'cortex-m0plus',
    clockHz: 133 * MHz,
    ramBytes: 264 * KiB,
    flashBytes: 2 * MiB,
    notes:
      'Dual Cortex-M0+ (TFLM uses one); 2 MiB external QSPI flash on the Pico; pico-sdk 1.x runs it at 125 MHz by default.',
    source: 'Raspberry Pi RP2040 datasheet; Raspberry Pi Pico datasheet',
  }),
  board({
    id: 'raspberry-pi-pico-2',
    name: 'Raspberry Pi Pico 2',
    aliases: ['pico2', 'pico-2', 'rp2350'],
    mcu: 'RP2350',
    core: 'cortex-m33',
    clockHz: 150 * MHz,
    ramBytes: 520 * KiB,
    flashBytes: 4 * MiB,
    notes: 'Dual Cortex-M33 (or Hazard3 RISC-V) cores; 4 MiB external QSPI flash on the Pico 2.',
    source: 'Raspberry Pi RP2350 datasheet; Raspberry Pi Pico 2 datasheet',
  }),
  board({
    id: 'arduino-nano-rp2040-connect',
    name: 'Arduino Nano RP2040 Connect',
    aliases: ['nano-rp2040-connect', 'nano-rp2040'],
    mcu: 'RP2040',
    core: 'cortex-m0plus',
    clockHz: 133 * MHz,
    ramBytes: 264 * KiB,
    flashBytes: 16 * MiB,
    reserve: ARDUINO_MBED_RESERVE,
    notes: '16 MiB QSPI flash; Arduino Mbed OS core: reserve sized for it.',
    source: 'Raspberry Pi RP2040 datasheet; Arduino ABX00053 datasheet',
  }),
  board({
    id: 'esp32-s3-devkitc-1',
    name: 'Espressif ESP32-S3-DevKitC-1 (N8)',
    aliases: ['esp32-s3', 'esp32s3', 'esp32-s3-devkitc'],
    mcu: 'ESP32-S3',
    core: 'xtensa-lx7',
    clockHz: 240 * MHz,
    ramBytes: 512 * KiB,
    flashBytes: 8 * MiB,
    reserve: espReserve(8 * MiB),
    notes:
      'Dual-core LX7; 512 KiB internal SRAM (PSRAM variants not counted); 8 MiB flash on the WROOM-1-N8 module.',
    source: 'Espressif ESP32-S3 datasheet v1.x; ESP32-S3-WROOM-1 datasheet',
  }),
  board({
    id: 'seeed-xiao-esp32s3',
    name: 'Seeed Studio XIAO ESP32S3',
    aliases: ['xiao-esp32s3', 'xiao-esp32-s3'],
    mcu: 'ESP32-S3R8',
    core: 'xtensa-lx7',
    clockHz: 240 * MHz,
    ramBytes: 512 * KiB,
    flashBytes: 8 * MiB,
    reserve: espReserve(8 * MiB),
    notes: '8 MiB PSRAM not counted.',
    source: 'Espressif ESP32-S3 datasheet; Seeed XIAO ESP32S3 wiki',
  }),
  board({
    id: 'esp32-c3-devkitm-1',
    name: 'Espressif ESP32-C3-DevKitM-1',
    aliases: ['esp32-c3', 'esp32c3'],
    mcu: 'ESP32-C3',
    core: 'riscv32-imc',
    clockHz: 160 * MHz,
    ramBytes: 400 * KiB,
    flashBytes: 4 * MiB,
    reserve: espReserve(4 * MiB),
    source: 'Espressif ESP32-C3 datasheet; ESP32-C3-MINI-1 datasheet',
  }),
  board({
    id: 'arduino-zero',
    name: 'Arduino Zero',
    aliases: ['samd21', 'atsamd21g18', 'samd21g18'],
    mcu: 'ATSAMD21G18A',
    core: 'cortex-m0plus',
    clockHz: 48 * MHz,
    ramBytes: 32 * KiB,
    flashBytes: 256 * KiB,
    source: 'Microchip SAM D21/DA1 family datasheet',
  }),
  board({
    id: 'sparkfun-edge',
    name: 'SparkFun Edge (Apollo3 Blue)',
    aliases: ['apollo3', 'apollo3-blue'],
    mcu: 'Ambiq Apollo3 Blue',
    core: 'cortex-m4',
    clockHz: 48 * MHz,
    ramBytes: 384 * KiB,
    flashBytes: 1 * MiB,
    notes: '48 MHz nominal, 96 MHz in TurboSPOT burst mode.',
    source: 'Ambiq Apollo3 Blue datasheet',
  }),
  board({
    id: 'max78000fthr',
    name: 'Analog Devices MAX78000FTHR',
    aliases: ['max78000'],
    mcu: 'MAX78000',
    core: 'cortex-m4',
    clockHz: 100 * MHz,
    ramBytes: 128 * KiB,
    flashBytes: 512 * KiB,
    notes: 'Figures for the Cortex-M4F; the CNN accelerator and the RISC-V core are not modelled.',
    source: 'Analog Devices MAX78000 datasheet',
  }),
  board({
    id: 'teensy-41',
    name: 'PJRC Teensy 4.1',
    aliases: ['teensy41', 'teensy-4.1', 'imxrt1062'],
    mcu: 'NXP i.MX RT1062',
    core: 'cortex-m7',
    clockHz: 600 * MHz,
    ramBytes: 1 * MiB,
    ramContiguousBytes: 512 * KiB,
    flashBytes: 8 * MiB,
    notes:
      '512 KiB tightly coupled RAM1 + 512 KiB OCRAM RAM2; 8 MiB QSPI flash (64 KiB kept for recovery/EEPROM).',
    source: 'NXP i.MX RT1060 datasheet; PJRC Teensy 4.1 page',
  }),
];
