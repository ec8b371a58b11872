/** @module Plain-text rendering of a calibration check: Brier and ECE before/after, reliability table, expected true positives per band. */
import type { CalibrationCheck } from '../../calibration/calibration-check.ts';
import type { Manifest } from '../../model/index.ts';

const pct = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(2)}%`);
const num = (x: number | null, d = 4) => (x === null ? '—' : x.toFixed(d));

/** The check as a few aligned lines; empty reliability bins are left out. */
export function formatCalibrationCheck(title: string, method: string, c: CalibrationCheck): string {
  const lines = [
    `${title} (${method}, ${c.rows} alerts): Brier ${c.brierBefore.toFixed(5)} → ${c.brierAfter.toFixed(5)}, ECE ${c.eceBefore.toFixed(5)} → ${c.eceAfter.toFixed(5)}`,
    '  reliability     raw: alerts  mean score  observed   calibrated: alerts  mean score  observed',
  ];
  c.reliabilityBefore.forEach((b, i) => {
    const a = c.reliabilityAfter[i];
    if (b.count === 0 && a.count === 0) return;
    lines.push(`  [${b.lower.toFixed(1)}, ${b.upper.toFixed(1)})    ${String(b.count).padStart(11)}  ${num(b.meanPredicted).padStart(10)}  ${num(b.observedRate).padStart(8)}   ${String(a.count).padStart(18)}  ${num(a.meanPredicted).padStart(10)}  ${num(a.observedRate).padStart(8)}`);
  });
  lines.push(`  ${'band (calibrated score)'.padEnd(52)} alerts  expected TP rate  observed  expected share of TPs  observed`);
  for (const b of c.bands) {
    lines.push(`  ${`${b.band} [${num(b.from, 6)}, ${num(b.to, 6)})`.padEnd(52)} ${String(b.alerts).padStart(7)}  ${pct(b.expectedRate).padStart(16)}  ${pct(b.observedRate).padStart(8)}  ${pct(b.expectedShareOfPositives).padStart(21)}  ${pct(b.observedShareOfPositives).padStart(8)}`);
  }
  return lines.join('\n');
}

/** A bundle's calibration check on its holdout, as `train` and `import` print it; undefined when it has none. */
export function formatBundleCalibration(manifest: Manifest): string | undefined {
  const cal = manifest.calibration;
  return cal?.holdoutCheck ? formatCalibrationCheck('calibration on the holdout', cal.method, cal.holdoutCheck as CalibrationCheck) : undefined;
}
