/**
 * @module The commands `winnow` knows, each with its one-line summary and a loader. Commands are
 * imported only when run: importing all of them (ONNX Runtime, the trainer, the store, Hono…) made
 * `winnow --help` take 3–6 s. A test checks each summary against its command's own.
 */
import type { Command } from './args.ts';

export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'generate', summary: 'write synthetic, labelled compliance alerts (CSV or JSONL)', load: async () => (await import('./commands/generate.ts')).generateCommand },
  { name: 'train', summary: 'train a gradient-boosted model and write an ONNX model bundle', load: async () => (await import('./commands/train.ts')).trainCommand },
  { name: 'import', summary: 'turn an XGBoost, LightGBM or ONNX tree model into a winnow bundle', load: async () => (await import('./commands/import.ts')).importCommand },
  { name: 'evaluate', summary: 'measure a model on labelled alerts (AUC, PR-AUC, Brier, FP reduction at recall)', load: async () => (await import('./commands/evaluate.ts')).evaluateCommand },
  { name: 'simulate', summary: 'what every closing threshold would do (recall, FP reduction, workload); choose one, or one per rule', load: async () => (await import('./commands/simulate.ts')).simulateCommand },
  { name: 'score', summary: 'score and rank every alert in a file with a model bundle', load: async () => (await import('./commands/score.ts')).scoreCommand },
  { name: 'serve', summary: 'run the scoring service (POST /v1/score) over the active model bundle', load: async () => (await import('./commands/serve.ts')).serveCommand },
  { name: 'consume', summary: 'score alerts from a NATS JetStream stream and publish the results (ack after commit)', load: async () => (await import('./commands/consume.ts')).consumeCommand },
  { name: 'publish', summary: 'publish alerts from a file to NATS JetStream for winnow consume', load: async () => (await import('./commands/publish.ts')).publishCommand },
  { name: 'promote', summary: 'make a model version active on every replica sharing a store', load: async () => (await import('./commands/promote.ts')).promoteCommand },
  { name: 'rollback', summary: 'return every replica on a store to the previously active model', load: async () => (await import('./commands/rollback.ts')).rollbackCommand },
  { name: 'replay', summary: 'send a file of alerts through a running service (and answer reviews with its labels)', load: async () => (await import('./commands/replay.ts')).replayCommand },
  { name: 'export', summary: 'write labelled decisions (features as scored, label as of a date, weights) for retraining', load: async () => (await import('./commands/export.ts')).exportCommand },
  { name: 'retrain', summary: 'export feedback, train a candidate, compare it with the active model, gate and register it', load: async () => (await import('./commands/retrain.ts')).retrainCommand },
  { name: 'drift', summary: 'PSI of stored decisions in a period vs the model reference (per feature and score)', load: async () => (await import('./commands/drift.ts')).driftCommand },
  { name: 'experiment', summary: 'start, stop, list and report A/B experiments of thresholds and model versions', load: async () => (await import('./commands/experiment.ts')).experimentCommand },
  { name: 'policy', summary: 'check a policy file and print the ladders it would apply', load: async () => (await import('./commands/policy.ts')).policyCommand },
  { name: 'api-key', summary: 'create an API key and the hashed entry for the keys file', load: async () => (await import('./commands/api-key.ts')).apiKeyCommand },
];
