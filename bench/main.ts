import { benchDatasets } from './datasets.js';
import { benchDistributed } from './distributed.js';
import { benchHardening } from './hardening.js';
import { benchLanguage } from './language.js';
import { benchLsp } from './lsp.js';
import { benchResources } from './resources.js';
import { benchSearch } from './search.js';
import { benchTrainingBackends } from './training-backends.js';
import { benchTrainingKernels } from './training-kernels.js';
import { benchTrainingProfile } from './training-profile.js';
import { benchTrainingReference } from './training-reference.js';
import { benchTrainingSpeed } from './training-speed.js';

/**
 * `npm run bench`: every benchmark, one JSON document on stdout. Speed targets are checked here,
 * not in timed tests; ratios are measured side by side in one run.
 */
async function main(): Promise<void> {
  const results: Record<string, unknown> = { node: process.version, date: new Date().toISOString() };
  const only = process.argv.slice(2);
  const suites: [string, () => Promise<Record<string, unknown>>][] = [
    ['language', benchLanguage],
    ['lsp', benchLsp],
    ['hardening', () => benchHardening()],
    ['resources', benchResources],
    ['search', benchSearch],
    ['datasets', benchDatasets],
    ['training-backends', benchTrainingBackends],
    ['training-reference', benchTrainingReference],
    ['distributed', benchDistributed],
    ['training-kernels', benchTrainingKernels],
    ['training-speed', benchTrainingSpeed],
  ];
  // Diagnostics, only when named: `npm run bench training-profile`.
  if (only.includes('training-profile')) suites.push(['training-profile', benchTrainingProfile]);
  for (const [name, run] of suites) {
    if (only.length && !only.includes(name)) continue;
    try {
      results[name] = await run();
    } catch (e) {
      results[name] = { error: e instanceof Error ? e.message : String(e) };
    }
  }
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
}

void main();
