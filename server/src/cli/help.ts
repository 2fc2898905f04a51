import { EXPORT_USAGE } from './export.js';

/** Each command's help: its synopsis and options, as `unas help` lists them and `unas CMD --help` prints one. */
export const COMMAND_HELP: Readonly<Record<string, string>> = {
  check: `  check FILE…            print every finding (the editor's) as file:line:col severity message;
                         exit 1 on errors
                         --json   findings as a JSON array
`,
  estimate: `  estimate FILE          per model: RAM, TFLM arena, flash, MACs, latency per layer and in total;
                         per search: the resources its space allows; exit 1 on errors (as check)
                         --json  --convention tflm|unas  --include-input  --board ID
                         --kernels cmsis-nn|reference  (the arena's scratch; default the core's)
  estimate FILE.tflite   the same figures for an int8 .tflite model
`,
  export: EXPORT_USAGE,
  search: `  search FILE            run a search (the first in the file, or --search NAME)
                         --budget N      candidates to evaluate (overrides the file's rounds)
                         --resume DIR    continue a stopped or killed run from its folder
                         --workers N     training processes (default: the file's, else one per core)
                         --backend B     auto | tensorflow | wasm | cpu (default auto)
                         --runs DIR      where run folders go (default .unas/runs)
                         --no-final      skip re-training the front on the whole training set
                         --json          one JSON event per line
                         --queue URL     train on \`unas worker\`s through Redis (docs/distributed.md):
                                         redis://[user:pass@]host:port[/db], rediss:// for TLS
                         --shared-dir D  with --queue: weights come back through this shared folder
`,
  worker: `  worker --queue URL     train candidates of any search on that queue until Ctrl-C
                         --concurrency N candidates at once (default: one per core)
                         --backend B     auto | tensorflow | wasm | cpu (default auto)
                         --shared-dir D  this machine's mount of the search's shared weights folder
                         --lock-ms N     a dead worker's job is retried after N ms (default 30000)
`,
  lsp: `  lsp --stdio            the language server, for any LSP client (docs/editors.md)
`,
  retrain: `  retrain DIR --candidate ID [--epochs N] [--warm] [--json] [--backend B]
                         train one candidate again on the whole training set; test accuracy, weights kept
`,
  front: `  front DIR              the Pareto front of a run folder (--json for JSON)
`,
  help: `  help [COMMAND]         this text, or one command's
`,
};

const EXIT_CODES =
  'exit codes: 0 ok, 1 errors found, 2 usage error, 3 input not readable, 4 the search failed, 130 interrupted\n';

export const USAGE = `usage: unas <command> [options]

commands:
${Object.values(COMMAND_HELP).join('')}
${EXIT_CODES}`;

/** `unas COMMAND --help`. */
export function commandUsage(command: string): string {
  return `usage: unas ${command} [options]\n\n${COMMAND_HELP[command] ?? ''}\n${EXIT_CODES}`;
}

/** Whether the arguments ask for help (`--help` / `-h` anywhere before a `--`). */
export function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}
