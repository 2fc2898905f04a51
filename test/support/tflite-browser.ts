import { readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../harness/chromium.js';

/**
 * TensorFlow Lite compiled to WebAssembly (`@tensorflow/tfjs-tflite`) in headless Chromium: an
 * interpreter this project did not write, for checking exported `.tflite` files. Models are served
 * from memory at `/models/NAME.tflite`.
 */
const ORIGIN = 'https://tflite.test';
const FILES: Record<string, string> = {
  '/tf-core.js': require.resolve('@tensorflow/tfjs-core/dist/tf-core.min.js'),
  '/tf-backend-cpu.js': require.resolve('@tensorflow/tfjs-backend-cpu/dist/tf-backend-cpu.min.js'),
  '/tf-tflite.js': join(
    dirname(require.resolve('@tensorflow/tfjs-tflite/package.json')),
    'dist/tf-tflite.min.js',
  ),
};
const WASM_DIR = join(dirname(require.resolve('@tensorflow/tfjs-tflite/package.json')), 'wasm');
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.wasm': 'application/wasm' };

/** Headless Chromium with the TFLite page loaded; `model(name)` serves `/models/NAME.tflite` when asked. */
export async function openTfliteBrowser(
  model: (name: string) => Uint8Array | undefined,
): Promise<{ readonly browser: Browser; readonly page: Page }> {
  const browser: Browser = await launchChromium();
  const context = await browser.newContext();
  await context.route(`${ORIGIN}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/')
      return route.fulfill({
        status: 200,
        contentType: 'text/html',
        body: '<!doctype html><html><head><script src="/tf-core.js"></script><script src="/tf-backend-cpu.js"></script><script src="/tf-tflite.js"></script></head><body></body></html>',
      });
    const name = /^\/models\/(\w+)\.tflite$/.exec(path);
    const bytes = name ? model(name[1]!) : undefined;
    if (bytes)
      return route.fulfill({
        status: 200,
        contentType: 'application/octet-stream',
        body: Buffer.from(bytes),
      });
    const file =
      FILES[path] ?? (path.startsWith('/wasm/') ? join(WASM_DIR, path.slice('/wasm/'.length)) : undefined);
    if (!file) return route.fulfill({ status: 404, body: 'not found' });
    try {
      return await route.fulfill({
        status: 200,
        contentType: TYPES[extname(file)] ?? 'application/octet-stream',
        body: readFileSync(file),
      });
    } catch {
      return route.fulfill({ status: 404, body: 'not found' });
    }
  });
  const page: Page = await context.newPage();
  await page.goto(`${ORIGIN}/`);
  return { browser, page };
}

export interface TflitePage {
  /** Runs `count` int8 inputs (concatenated) one by one; the raw int8 outputs of each. */
  run(name: string, inputs: Int8Array, count: number): Promise<{ outputs: number[][]; outputType: string }>;
  close(): Promise<void>;
}

export async function openTflitePage(models: ReadonlyMap<string, Uint8Array>): Promise<TflitePage> {
  const { browser, page } = await openTfliteBrowser((name) => models.get(name));
  return {
    run: (name, inputs, count) =>
      page.evaluate(
        async ({ url, pixels, n }) => {
          const g = globalThis as unknown as {
            tflite: {
              setWasmPath(p: string): void;
              loadTFLiteModel(
                u: string,
                o: { numThreads: number },
              ): Promise<{
                modelRunner: {
                  getInputs(): { data(): Int8Array }[];
                  getOutputs(): { data(): Int8Array; dataType: string }[];
                  infer(): boolean;
                };
              }>;
            };
          };
          g.tflite.setWasmPath('/wasm/');
          const model = await g.tflite.loadTFLiteModel(url, { numThreads: 1 });
          const runner = model.modelRunner;
          const input = runner.getInputs()[0]!.data();
          const output = runner.getOutputs()[0]!;
          const size = pixels.length / n;
          const outputs: number[][] = [];
          for (let i = 0; i < n; i++) {
            input.set(pixels.subarray(i * size, (i + 1) * size));
            if (!runner.infer()) throw new Error(`inference ${i} failed`);
            outputs.push(Array.from(output.data()));
          }
          return { outputs, outputType: output.dataType };
        },
        { url: `/models/${name}.tflite`, pixels: inputs, n: count },
      ),
    close: () => browser.close(),
  };
}
