import { basename } from 'node:path';
import type { WorkerSummary } from '../../../../protocol/src/run-events.js';
import type { SearchConfig } from '../config/search-config.js';
import { bundledMnistDir } from '../data/bundled-mnist.js';
import { datasetFingerprint } from '../data/fingerprint.js';
import { loadDataset } from '../data/load-dataset.js';
import { QueueEvaluator } from './queue-evaluator.js';
import { runId } from './queue-job.js';
import type { QueueUrl } from './queue-url.js';

export interface QueueSearchOptions {
  readonly url: QueueUrl;
  /** The run folder (its name and settings identify the run on the queue). */
  readonly runDir: string;
  readonly config: SearchConfig;
  readonly baseDir: string;
  readonly sharedDir?: string;
  readonly size?: number;
  readonly onWorkers?: (workers: readonly WorkerSummary[]) => void;
  readonly log?: (message: string) => void;
}

/**
 * The queue evaluator of one run: its id, and its dataset's fingerprint (the coordinator loads the
 * dataset once to take it; a DatasetError says why it cannot).
 */
export async function openQueueEvaluator(o: QueueSearchOptions): Promise<QueueEvaluator> {
  const mnistDir = bundledMnistDir();
  const data = await loadDataset(o.config.dataset.spec, {
    baseDir: o.baseDir,
    ...(mnistDir ? { mnistDir } : {}),
  });
  return new QueueEvaluator({
    url: o.url,
    run: runId(basename(o.runDir), o.config),
    fingerprint: datasetFingerprint(data),
    ...(o.sharedDir ? { sharedDir: o.sharedDir } : {}),
    ...(o.size ? { size: o.size } : {}),
    ...(o.onWorkers ? { onWorkers: o.onWorkers } : {}),
    ...(o.log ? { log: o.log } : {}),
  });
}
