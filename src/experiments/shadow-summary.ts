/** @module Shadow arms against the live decisions on the same alerts (paired): what the challenger would have changed. */
import { type Estimate, sampleGroups } from './arm-summary.ts';
import { mcnemarTest, poissonInterval } from './stats.ts';

/** A shadow arm's decisions joined with the live decision of the same alert, grouped. */
export interface PairedCountRow {
  arm: string;
  shadowDecision: string;
  liveDecision: string;
  liveSample: boolean;
  liveSampleRate: number | null;
  disposition: string | null;
  alerts: number;
}

/** The paired comparison of one shadow arm with what was actually decided. */
export interface ShadowComparison {
  arm: string;
  /** Alerts with both a shadow and a live decision. */
  pairedAlerts: number;
  changedDecisions: number;
  shadowCloses: number;
  liveCloses: number;
  /** Closed by the shadow only / by the live decision only (McNemar's discordant pairs). */
  onlyShadowCloses: number;
  onlyLiveCloses: number;
  closureTest: { z: number; p: number };
  /** Labelled true positives the live decision sent to review that the shadow would have closed. */
  knownTruePositivesShadowWouldClose: number;
  /** All true positives the shadow would have closed: the known ones plus the live below-the-line sample, IPW. */
  estimatedTruePositivesShadowWouldClose: Estimate | null;
  verdict: string;
}

/** Compares one shadow arm with the live decisions on the same alerts. */
export function compareShadow(arm: string, rows: readonly PairedCountRow[], o: { positive: readonly string[]; confidence: number; alpha: number }): ShadowComparison {
  const pos = (r: PairedCountRow) => r.disposition !== null && o.positive.includes(r.disposition);
  const sum = (f: (r: PairedCountRow) => boolean) => rows.reduce((s, r) => s + (f(r) ? r.alerts : 0), 0);
  const sClose = (r: PairedCountRow) => r.shadowDecision === 'auto_close';
  const lClose = (r: PairedCountRow) => r.liveDecision === 'auto_close';
  const pairedAlerts = sum(() => true);
  const onlyShadow = sum((r) => sClose(r) && !lClose(r));
  const onlyLive = sum((r) => !sClose(r) && lClose(r));
  const closureTest = mcnemarTest(onlyLive, onlyShadow);
  // Reviewed live (not as a sample): every such alert is labelled directly, so each counts once.
  const direct = (r: PairedCountRow) => sClose(r) && !lClose(r) && !r.liveSample;
  const directAll = sum(direct);
  const directLabelled = sum((r) => direct(r) && r.disposition !== null);
  const known = sum((r) => direct(r) && pos(r));
  // Closed by both (or sampled by the live policy): only the live sample sees them; each sampled positive stands for 1/r.
  const groups = sampleGroups(rows.filter((r) => sClose(r) && r.liveSample).map((r) => ({ sample: true, sampleRate: r.liveSampleRate, disposition: r.disposition, alerts: r.alerts })), (r) => r.disposition !== null && o.positive.includes(r.disposition));
  const bothClosed = sum((r) => sClose(r) && (lClose(r) || r.liveSample));
  let estimate: Estimate | null = null;
  if (directAll === 0 || directLabelled > 0) {
    const scaleDirect = directAll > 0 ? directAll / directLabelled : 1;
    const base = known * scaleDirect;
    const sampled = groups.reduce((s, g) => s + g.sampled, 0);
    const labelled = groups.reduce((s, g) => s + g.labelled, 0);
    const k = groups.reduce((s, g) => s + g.positives, 0);
    if (bothClosed === 0) estimate = { estimate: base, low: base, high: base };
    else if (sampled > 0 && labelled > 0) {
      const scale = sampled / labelled;
      const rate = k > 0 ? k / groups.reduce((s, g) => s + g.positives / g.rate, 0) : Math.min(...groups.map((g) => g.rate));
      const ci = poissonInterval(k, o.confidence);
      estimate = { estimate: base + (k / rate) * scale, low: base + Math.max(k, ci.low / rate) * scale, high: base + (ci.high / rate) * scale };
    }
  }
  const shadowCloses = sum(sClose);
  const liveCloses = sum(lClose);
  return {
    arm, pairedAlerts, changedDecisions: sum((r) => r.shadowDecision !== r.liveDecision), shadowCloses, liveCloses,
    onlyShadowCloses: onlyShadow, onlyLiveCloses: onlyLive, closureTest, knownTruePositivesShadowWouldClose: known,
    estimatedTruePositivesShadowWouldClose: estimate,
    verdict: shadowVerdict(arm, { pairedAlerts, shadowCloses, liveCloses, p: closureTest.p, known, estimate, alpha: o.alpha }),
  };
}

function shadowVerdict(arm: string, s: { pairedAlerts: number; shadowCloses: number; liveCloses: number; p: number; known: number; estimate: Estimate | null; alpha: number }): string {
  if (s.pairedAlerts === 0) return `shadow ${arm} has scored no alert yet`;
  const diff = s.shadowCloses - s.liveCloses;
  const closes = Math.abs(diff) === 0 || s.p >= s.alpha
    ? `would close about as many alerts as the live decisions (${s.shadowCloses} vs ${s.liveCloses} of the same ${s.pairedAlerts})`
    : `would close ${relative(s.shadowCloses, s.liveCloses)} ${diff > 0 ? 'more' : 'fewer'} alerts than the live decisions (${s.shadowCloses} vs ${s.liveCloses} of the same ${s.pairedAlerts}, ${p(s.p)})`;
  const tp = s.estimate
    ? `, among them ${s.known} labelled true positive${s.known === 1 ? '' : 's'} (about ${Math.round(s.estimate.estimate)} in all, ${Math.round(s.estimate.low)}–${Math.round(s.estimate.high)})`
    : ', and its missed true positives cannot be estimated yet (no labelled sample)';
  return `shadow ${arm} ${closes}${tp}; it changed no decision`;
}

/** "14%" for 114 vs 100. */
export function relative(a: number, b: number): string {
  return b > 0 ? `${Math.round(Math.abs(a / b - 1) * 100)}%` : `${Math.abs(a - b)}`;
}

/** A p-value for people. */
export function p(value: number): string {
  return value < 0.001 ? 'p<0.001' : `p=${value.toFixed(3)}`;
}
