import { scoredSynthAlerts, groupsOf } from '../../test/helpers/scored-alerts.ts';
import { closureCurve, thresholdForRecall, applyThreshold, groupThresholds, applyGroupThresholds } from '../../src/thresholds/index.ts';
const t0 = performance.now();
const d = await scoredSynthAlerts(50000, 7);
console.log('scored in', performance.now() - t0);
const cut = 30000;
const fit = { labels: d.labels.subarray(0, cut), scores: d.scores.subarray(0, cut) };
const check = { labels: d.labels.subarray(cut), scores: d.scores.subarray(cut) };
for (const target of [0.9, 0.95, 0.99, 1]) {
  const p = thresholdForRecall(closureCurve(fit), target);
  const h = applyThreshold(check, p.threshold);
  console.log(target, 'fit', p.recall.toFixed(4), p.closedShare.toFixed(4), 'check', h.recall.toFixed(4), h.closedShare.toFixed(4), 'pos', h.positivesKept + h.positivesClosed);
  for (const by of ['rules', 'segments'] as const) {
    const gf = groupsOf(d[by].slice(0, cut));
    const g = groupThresholds({ ...fit, ...gf }, { target });
    const gc = groupsOf(d[by].slice(cut));
    const hc = applyGroupThresholds({ ...check, ...gc }, g.thresholds);
    console.log('  ', by, g.method, 'fit', g.perGroup.recall.toFixed(4), g.perGroup.closedShare.toFixed(4), 'vs', g.global.closedShare.toFixed(4), 'check', hc.recall.toFixed(4), hc.closedShare.toFixed(4));
  }
}
