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
import { COMMAND_HELP, commandUsage, USAGE, wantsHelp } from './help.js';
import { EXIT, type CliIo } from './io.js';
import { isKernelLibrary, KERNEL_LIBRARIES } from '../engine/resources/kernel-scratch.js';

const BACKENDS: readonly BackendRequest[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

/**
 * `--workers -1` as `--workers=-1`: parseArgs takes a value that starts with `-` for an option
 * ("ambiguous"), so a negative number would never reach the command's own range check.
 */
function negativeValuesJoined(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = args[i + 1];
    if (/^--[a-z-]+$/.test(a) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

export async function runCli(argv: readonly string[], io: CliIo, signal?: AbortSignal): Promise<number> {
  const [command, ...given] = argv;
  const rest = negativeValuesJoined(given);
  if (command && command !== 'lsp' && COMMAND_HELP[command] && wantsHelp(rest)) {
    io.stdout.write(commandUsage(command));
    return EXIT.ok;
  }
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
            convention: { type: 'string' },
            'include-input': { type: 'boolean' },
            board: { type: 'string' },
            kernels: { type: 'string' },
          },
        });
        const convention = values.convention ?? 'tflm';
        if (convention !== 'tflm' && convention !== 'unas') {
          io.stderr.write('unas estimate: --convention takes tflm or unas\n');
          return EXIT.usage;
        }
        if (values.kernels !== undefined && !isKernelLibrary(values.kernels)) {
          io.stderr.write(`unas estimate: --kernels takes ${KERNEL_LIBRARIES.join(' or ')}\n`);
          return EXIT.usage;
        }
        const args = {
          ...(positionals[0] ? { file: positionals[0] } : {}),
          json: values.json ?? false,
          convention: convention as 'tflm' | 'unas',
          // Without --convention, a search's limits are checked in the search's own convention.
          ...(values.convention !== undefined ? { conventionGiven: true } : {}),
          ...(values['include-input'] !== undefined ? { includeInput: values['include-input'] } : {}),
          ...(values.board ? { board: values.board } : {}),
          ...(values.kernels !== undefined && isKernelLibrary(values.kernels)
            ? { kernels: values.kernels }
            : {}),
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
            warm: { type: 'boolean', default: false },
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
            warm: values.warm ?? false,
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
      case 'help':
        if (rest[0] && COMMAND_HELP[rest[0]]) {
          io.stdout.write(commandUsage(rest[0]));
          return EXIT.ok;
        }
        io.stdout.write(USAGE);
        return EXIT.ok;
      case undefined:
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
