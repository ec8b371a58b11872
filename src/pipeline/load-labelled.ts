/** @module Read a labelled data file and turn it into model inputs with one feature spec. */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { encodeColumns, type FeatureSpec, inferFeatureSpec, parseFeatureSpec } from '../features/index.ts';
import { readTable, type Table } from '../io/read-table.ts';
import { readLabels, readTimes, readWeights } from './columns.ts';

/** A data file encoded for a model: every row's features, its label (NaN = unlabelled), time and sample weight. */
export interface EncodedTable {
  table: Table;
  x: Float32Array;
  numFeatures: number;
  labels: Float32Array;
  times?: Float64Array;
  weights?: Float32Array;
}

/** Spec from a JSON file, or inferred from the table with the given columns excluded. */
export async function resolveSpec(table: Table, specPath: string | undefined, exclude: string[]): Promise<{ spec: FeatureSpec; report: string[] }> {
  if (specPath) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(specPath, 'utf8'));
    } catch (err) {
      throw new Error(`${specPath}: ${(err as Error).message}`);
    }
    return { spec: parseFeatureSpec(json, specPath), report: [`feature spec read from ${specPath}`] };
  }
  return inferFeatureSpec(table, { exclude: [...new Set(exclude)] });
}

/** Encode a table with `spec`, reading labels from `labelColumn`, and times and weights from their columns if given. */
export function encodeLabelled(table: Table, spec: FeatureSpec, labelColumn: string, timeColumn?: string, weightColumn?: string): EncodedTable {
  const labels = readLabels(table, labelColumn);
  return {
    table,
    x: encodeColumns(table, spec),
    numFeatures: spec.features.length,
    labels,
    times: timeColumn ? readTimes(table, timeColumn) : undefined,
    weights: weightColumn ? readWeights(table, weightColumn, labels) : undefined,
  };
}

/** Row indices that carry a label. */
export function labelledRows(labels: Float32Array): Int32Array {
  const rows: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] === labels[i]) rows.push(i);
  return Int32Array.from(rows);
}


/** File name for manifests: where the data came from, without the user's directory layout. */
export function sourceName(path: string): string {
  return basename(path);
}
