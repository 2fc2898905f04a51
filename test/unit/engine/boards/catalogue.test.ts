import { describe, expect, it } from 'vitest';
import { BOARDS, defaultReserve } from '../../../../server/src/engine/boards/catalogue.js';
import {
  boardBudget,
  boardNames,
  findBoard,
  listBoards,
} from '../../../../server/src/engine/boards/lookup.js';
import { CORES } from '../../../../server/src/engine/resources/cores.js';

const KiB = 1024;

describe('board catalogue', () => {
  it('has at least 10 boards with well-formed, unique names', () => {
    expect(BOARDS.length).toBeGreaterThanOrEqual(10);
    const names = boardNames();
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[a-z0-9]+(?:[-.][a-z0-9]+)*$/);
  });

  it('every board is consistent: known core, RAM ≥ contiguous RAM, reserves below capacity', () => {
    for (const b of listBoards()) {
      expect(CORES[b.core]).toBeDefined();
      expect(b.ramContiguousBytes).toBeLessThanOrEqual(b.ramBytes);
      expect(b.reserve.ram).toBeLessThan(b.ramBytes);
      expect(b.reserve.flash).toBeLessThan(b.flashBytes);
      expect(b.clockHz).toBeGreaterThanOrEqual(16e6);
      expect(b.source.length).toBeGreaterThan(0);
    }
  });

  it.each([
    // id / alias, core, clock MHz, RAM KiB, flash KiB — the datasheet figures.
    ['nucleo-f746zg', 'cortex-m7', 216, 320, 1024],
    ['STM32F411RE', 'cortex-m4', 100, 128, 512],
    ['nucleo-l476rg', 'cortex-m4', 80, 128, 1024],
    ['arduino-nano-33-ble', 'cortex-m4', 64, 256, 1024],
    ['rp2040', 'cortex-m0plus', 133, 264, 2048],
    ['ESP32-S3', 'xtensa-lx7', 240, 512, 8192],
    ['esp32-c3', 'riscv32-imc', 160, 400, 4096],
    ['arduino_zero', 'cortex-m0plus', 48, 32, 256],
    ['sparkfun edge', 'cortex-m4', 48, 384, 1024],
    ['max78000', 'cortex-m4', 100, 128, 512],
    ['stm32h743', 'cortex-m7', 480, 1024, 2048],
    ['nano-rp2040-connect', 'cortex-m0plus', 133, 264, 16384],
  ] as const)('%s', (name, core, mhz, ram, flash) => {
    const b = findBoard(name)!;
    expect(b).toBeDefined();
    expect([b.core, b.clockHz / 1e6, b.ramBytes / KiB, b.flashBytes / KiB]).toEqual([core, mhz, ram, flash]);
  });

  it('returns undefined for an unknown name', () => {
    expect(findBoard('nucleo-f999')).toBeUndefined();
  });

  it('default reserve: RAM max(4 KiB, 10 %), flash max(64 KiB, 10 %)', () => {
    expect(defaultReserve(32 * KiB, 256 * KiB)).toEqual({ ram: 4 * KiB, flash: 64 * KiB });
    expect(defaultReserve(320 * KiB, 1024 * KiB)).toEqual({ ram: 32 * KiB, flash: Math.ceil(102.4) * KiB });
  });

  it('budget: RAM after the reserve and within one contiguous region', () => {
    const h7 = findBoard('nucleo-h743zi')!;
    expect(boardBudget(h7).ram).toBe(512 * KiB); // the AXI SRAM, not 1 MiB − reserve
    const zero = findBoard('arduino-zero')!;
    expect(boardBudget(zero)).toEqual({ ram: 28 * KiB, flash: 192 * KiB });
  });
});
