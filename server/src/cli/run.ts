import { parseArgs } from 'node:util';
import { checkCommand } from './check.js';
import { estimateCommand } from './estimate.js';
import { exportCommand, tfliteEstimateCommand } from './export.js';
import { frontCommand } from './front.js';
import { lspCommand } from './lsp.js';
import { retrainCommand } from './retrain.js';
import { searchCommand } from './search.js';
import { workerCommand } from './worker.js';
import { parseQueueUrl, type QueueUrl } from '../engine/distributed/queue-url.js';
import type { BackendRequest } from '../engine/training/backend/index.js';
import { EXIT, type CliIo } from './io.js';

const USAGE = `usage: unas <command> [options]

commands:
  check FILE…            print every diagnostic as file:line:col severity message; exit 1 on errors
                         --json   findings as a JSON array
  estimate FILE.tflite   the same figures for an int8 .tflite model
  export DIR --candidate ID --format tflite|c|tfjs [--out DIR]
                         a trained candidate as int8 TFLite, a C array (.h/.cc) or a float tfjs model
  estimate FILE          per model: RAM, TFLM arena, flash, MACs, latency per layer and in total;
                         per search: the resources its space allows, checked against hard limits
                         --json  --convention tflm|unas  --include-input  --board ID
  search FILE            run a search (the first in the file, or --search NAME)
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
  worker --queue URL     train candidates of any search on that queue until Ctrl-C
                         --concurrency N candidates at once (default: one per core)
                         --backend B     auto | tensorflow | wasm | cpu (default auto)
                         --shared-dir D  this machine's mount of the search's shared weights folder
                         --lock-ms N     a dead worker's job is retried after N ms (default 30000)
  lsp --stdio            the language server, for any LSP client (docs/editors.md)
  retrain DIR --candidate ID [--epochs N] [--json]
                         train one candidate again on the whole training set; test accuracy, weights kept
  front DIR              the Pareto front of a run folder (--json for JSON)
  help                   this text

exit codes: 0 ok, 1 errors found, 2 usage error, 3 input not readable, 4 the search failed, 130 interrupted
`;

const BACKENDS: readonly BackendRequest[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

export async function runCli(argv: readonly string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'check': {
        const { values, positionals } = parseArgs({
          args: [...rest],
          allowPositionals: true,
          options: { json: { type: 'boolean', default: false } },
        });
        return await checkCommand(positionals, { json: values.json ?? false }, io);
      }
      case 'search': {
        const { values, positionals } = parseArgs({
          args: [...rest],
          allowPositionals: true,
          options: {
            search: { type: 'string' },
            budget: { type: 'string' },
            resume: { type: 'string' },
            json: { type: 'boolean', default: false },
            runs: { type: 'string' },
            workers: { type: 'string' },
            backend: { type: 'string', default: 'auto' },
            'no-final': { type: 'boolean', default: false },
            queue: { type: 'string' },
            'shared-dir': { type: 'string' },
          },
        });
        const queue = values.queue === undefined ? undefined : queueUrl('search', values.queue, io);
        if (queue === null) return EXIT.usage;
        const budget = values.budget === undefined ? undefined : Number(values.budget);
        const workers = values.workers === undefined ? undefined : Number(values.workers);
        if (budget !== undefined && !(Number.isInteger(budget) && budget > 0)) {
          io.stderr.write('unas search: --budget takes a positive whole number\n');
          return EXIT.usage;
        }
        if (workers !== undefined && !(Number.isInteger(workers) && workers > 0)) {
          io.stderr.write('unas search: --workers takes a positive whole number\n');
          return EXIT.usage;
        }
        if (!BACKENDS.includes(values.backend as BackendRequest)) {
          io.stderr.write(`unas search: --backend takes ${BACKENDS.join(', ')}\n`);
          return EXIT.usage;
        }
        return await searchCommand(
          {
            ...(positionals[0] ? { file: positionals[0] } : {}),
            ...(values.search ? { search: values.search } : {}),
            ...(budget ? { budget } : {}),
            ...(workers ? { workers } : {}),
            ...(values.resume ? { resume: values.resume } : {}),
            ...(values.runs ? { runs: values.runs } : {}),
            json: values.json ?? false,
            backend: values.backend as BackendRequest,
            noFinal: values['no-final'] ?? false,
            ...(queue ? { queue } : {}),
            ...(values['shared-dir'] ? { sharedDir: values['shared-dir'] } : {}),
          },
          io,
          signal,
        );
      }
      case 'estimate': {
        const { values, positionals } = parseArgs({
          args: [...rest],
          allowPositionals: true,
          options: {
            json: { type: 'boolean', default: false },
            convention: { type: 'string', default: 'tflm' },
            'include-input': { type: 'boolean' },
            board: { type: 'string' },
          },
        });
        if (values.convention !== 'tflm' && values.convention !== 'unas') {
          io.stderr.write('unas estimate: --convention takes tflm or unas\n');
          return EXIT.usage;
        }
        const args = {
          ...(positionals[0] ? { file: positionals[0] } : {}),
          json: values.json ?? false,
          convention: values.convention as 'tflm' | 'unas',
          ...(values['include-input'] !== undefined ? { includeInput: values['include-input'] } : {}),
          ...(values.board ? { board: values.board } : {}),
        };
        // A .tflite file (ours or any TFLM-compatible int8 model) goes through the same resource models.
        return await (positionals[0]?.endsWith('.tflite')
          ? tfliteEstimateCommand(args, io)
          : estimateCommand(args, io));
      }
      case 'export':
        return await exportCommand(rest, io);
      case 'retrain': {
        const { values, positionals } = parseArgs({
          args: [...rest],
          allowPositionals: true,
          options: {
            candidate: { type: 'string' },
            epochs: { type: 'string' },
            json: { type: 'boolean', default: false },
            backend: { type: 'string', default: 'auto' },
          },
        });
        const candidate = values.candidate === undefined ? undefined : Number(values.candidate);
        const epochs = values.epochs === undefined ? undefined : Number(values.epochs);
        if (candidate === undefined || !(Number.isInteger(candidate) && candidate >= 0)) {
          io.stderr.write('unas retrain: --candidate takes a candidate id\n');
          return EXIT.usage;
        }
        if (epochs !== undefined && !(Number.isInteger(epochs) && epochs > 0)) {
          io.stderr.write('unas retrain: --epochs takes a positive whole number\n');
          return EXIT.usage;
        }
        if (!BACKENDS.includes(values.backend as BackendRequest)) {
          io.stderr.write(`unas retrain: --backend takes ${BACKENDS.join(', ')}\n`);
          return EXIT.usage;
        }
        return await retrainCommand(
          {
            ...(positionals[0] ? { run: positionals[0] } : {}),
            candidate,
            ...(epochs ? { epochs } : {}),
            json: values.json ?? false,
            backend: values.backend as BackendRequest,
          },
          io,
          signal,
        );
      }
      case 'worker': {
        const { values } = parseArgs({
          args: [...rest],
          options: {
            queue: { type: 'string' },
            concurrency: { type: 'string' },
            backend: { type: 'string', default: 'auto' },
            'shared-dir': { type: 'string' },
            'lock-ms': { type: 'string' },
          },
        });
        if (values.queue === undefined) {
          io.stderr.write('unas worker: give the queue, e.g. --queue redis://localhost:6379\n');
          return EXIT.usage;
        }
        const queue = queueUrl('worker', values.queue, io);
        if (queue === null) return EXIT.usage;
        const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
        if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency > 0)) {
          io.stderr.write('unas worker: --concurrency takes a positive whole number\n');
          return EXIT.usage;
        }
        const lockMs = values['lock-ms'] === undefined ? undefined : Number(values['lock-ms']);
        if (lockMs !== undefined && !(Number.isInteger(lockMs) && lockMs >= 500)) {
          io.stderr.write('unas worker: --lock-ms takes a whole number of milliseconds, at least 500\n');
          return EXIT.usage;
        }
        if (!BACKENDS.includes(values.backend as BackendRequest)) {
          io.stderr.write(`unas worker: --backend takes ${BACKENDS.join(', ')}\n`);
          return EXIT.usage;
        }
        return await workerCommand(
          {
            queue,
            backend: values.backend as BackendRequest,
            ...(concurrency ? { concurrency } : {}),
            ...(lockMs ? { lockMs } : {}),
            ...(values['shared-dir'] ? { sharedDir: values['shared-dir'] } : {}),
          },
          io,
          signal,
        );
      }
      case 'lsp':
        return await lspCommand(rest);
      case 'front': {
        const { values, positionals } = parseArgs({
          args: [...rest],
          allowPositionals: true,
          options: { json: { type: 'boolean', default: false } },
        });
        return await frontCommand(positionals[0], { json: values.json ?? false }, io);
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
    if (
      e instanceof TypeError &&
      'code' in e &&
      String((e as { code: unknown }).code).startsWith('ERR_PARSE_ARGS')
    ) {
      io.stderr.write(`unas ${command}: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
}

/** A `--queue` value, or null after saying what is wrong with it. */
function queueUrl(command: string, text: string, io: CliIo): QueueUrl | null {
  const parsed = parseQueueUrl(text);
  if (parsed.ok) return parsed.url;
  io.stderr.write(`unas ${command}: --queue: ${parsed.error}\n`);
  return null;
}
