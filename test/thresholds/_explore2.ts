import { scoredSynthAlerts, groupsOf } from '../helpers/scored-alerts.ts';
import { closureCurve, groupThresholds, positivesAllowedToClose } from '../../src/thresholds/index.ts';
import { lastAtMost } from '../../src/thresholds/select.ts';
const d = await scoredSynthAlerts(50000, 7);
function dp(labels: Float32Array, scores: Float32Array, group: Int32Array, names: string[], target: number) {
  const all = closureCurve({ labels, scores });
  const B = Math.floor(positivesAllowedToClose(all.positives, target) + 1e-9);
  let f = new Float64Array(B + 1);
  names.forEach((_, g) => {
    const rows = [...group.keys()].filter((i) => group[i] === g);
    const c = closureCurve({ labels, scores }, rows);
    const best = (l: number) => { const j = lastAtMost(c.closedPositives, l); return c.closedPositives[j] + c.closedNegatives[j]; };
    const opts = Array.from({ length: B + 1 }, (_, l) => best(l));
    const nf = new Float64Array(B + 1);
    for (let b = 0; b <= B; b++) { let m = -1; for (let l = 0; l <= b; l++) m = Math.max(m, f[b - l] + opts[l]); nf[b] = m; }
    f = nf;
  });
  return f[B];
}
for (const n of [2000, 10000, 30000, 50000]) for (const target of [0.8, 0.95, 0.99]) for (const by of ['rules', 'segments'] as const) {
  const labels = d.labels.subarray(0, n), scores = d.scores.subarray(0, n);
  const gf = groupsOf(d[by].slice(0, n));
  const g = groupThresholds({ labels, scores, ...gf }, { target, minGroupPositives: 0 });
  const opt = dp(labels, scores, gf.group, gf.groupNames, target);
  console.log(n, target, by, g.method, 'greedy', g.perGroup.closed, 'dp', opt, 'global', g.global.closed, 'gap', opt - g.perGroup.closed);
}
