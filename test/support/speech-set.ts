import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/**
 * A generated Speech Commands-style word set (espeak-ng + sox, see scripts/generate-speech-set.sh),
 * kept in the temp folder between test runs: the script reuses a complete set with the same words.
 */
export function speechSet(name: string, perWord: number, words: readonly string[]): string {
  const dir = path.join(tmpdir(), 'unas-speech-sets', name);
  execFileSync(
    'bash',
    [path.join(__dirname, '../../scripts/generate-speech-set.sh'), dir, String(perWord), ...words],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  return dir;
}
