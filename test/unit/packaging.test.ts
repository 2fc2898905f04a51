import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '../..');

/** What `vsce` would put in the .vsix: the run-time files and nothing else. */
describe('packaging', () => {
  it('packages the bundles, wasm files, grammar and examples, and no sources', () => {
    const out = execFileSync(join(root, 'node_modules/.bin/vsce'), ['ls', '--no-dependencies'], {
      cwd: root,
      encoding: 'utf8',
    });
    const files = out
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'LICENSE',
        'dist/client.js',
        'dist/server.js',
        'dist/cli.js',
        'dist/tfjs-backend-wasm.wasm',
        'dist/gradient-kernels.wasm',
        'dist/codicons/codicon.css',
        'dist/codicons/codicon.ttf',
        'syntaxes/unas.tmLanguage.json',
        'syntaxes/language-configuration.json',
        'examples/mnist.unas',
      ]),
    );
    for (const f of files)
      expect(f).not.toMatch(/^(node_modules|server\/src|client\/src|test|bench|out)\/|\.ts$|\.map$/);
  });

  it('.vscodeignore admits only files that exist (in the repository, or in dist/ after a build)', () => {
    const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n');
    const allowed = readFileSync(join(root, '.vscodeignore'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('!'))
      .map((l) => l.slice(1));
    // `**` any path, `*` any name part.
    const regex = (glob: string) =>
      new RegExp(
        `^${glob
          .split('**')
          .map((part) =>
            part
              .split('*')
              .map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
              .join('[^/]*'),
          )
          .join('.*')}$`,
      );
    const missing = allowed.filter((g) => !g.startsWith('dist/') && !tracked.some((f) => regex(g).test(f)));
    expect(missing).toEqual([]);
  });
});
