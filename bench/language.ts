import { analyze } from '../server/src/engine/language/analyze.js';
import { generateDocument } from '../test/harness/generate-document.js';
import { summarize, timeIt } from './timing.js';

/** Parse + lower + validate time for a generated 1,000-line file (goal: median under 5 ms). */
export async function benchLanguage(): Promise<Record<string, unknown>> {
  const text = generateDocument(1000);
  const lines = text.split('\n').length;
  for (let i = 0; i < 20; i++) analyze(text); // warm up the JIT
  const samples = timeIt(200, () => {
    analyze(text);
  });
  return { lines, parseValidateMs: summarize(samples), goalMedianMs: 5 };
}
