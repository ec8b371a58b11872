/**
 * @module Writes the labelled file the README's `winnow import` example reads: the xgboost-missing
 * fixture's rows with a label drawn from XGBoost's own probabilities and a time column.
 *
 * Usage: npx tsx test/import/make-demo-data.ts [OUT] (default tmp/import-demo/alerts.csv)
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeLabelledCsv, xgboostMissing } from './fixtures.ts';

const out = process.argv[2] ?? 'tmp/import-demo/alerts.csv';
const { header, rows, expected } = xgboostMissing();
mkdirSync(dirname(out), { recursive: true });
await writeLabelledCsv(out, header, rows, expected);
console.log(`wrote ${rows.length} labelled rows to ${out}`);
