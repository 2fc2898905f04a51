import { parseArgs } from 'node:util';
import { checkCommand } from './check.js';
import { EXIT, type CliIo } from './io.js';

const USAGE = `usage: unas <command> [options]

commands:
  check FILE…            print every diagnostic as file:line:col severity message; exit 1 on errors
                         --json   findings as a JSON array
  help                   this text

exit codes: 0 ok, 1 errors found, 2 usage error, 3 input not readable
`;

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'check': {
        const { values, positionals } = parseArgs({ args: [...rest], allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
        return await checkCommand(positionals, { json: values.json ?? false }, io);
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(USAGE);
        return command === undefined ? EXIT.usage : EXIT.ok;
      default:
        io.stderr.write(`unas: unknown command '${command}'\n\n${USAGE}`);
        return EXIT.usage;
    }
  } catch (e) {
    // parseArgs throws on unknown options: a usage error, not a crash.
    if (e instanceof TypeError && 'code' in e && String((e as { code: unknown }).code).startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`unas ${command}: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
}
