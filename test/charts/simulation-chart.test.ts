/** @module The SVG chart: well-formed whatever the text in it, readable ticks, the chosen threshold marked. */
import { describe, expect, it } from 'vitest';
import { formatThreshold, logScale, simulationChart } from '../../src/charts/index.ts';
import { simulateThresholds } from '../../src/thresholds/index.ts';
import { checkXml } from '../helpers/xml.ts';

describe('logScale', () => {
  it('labels decades without floating-point noise and spans whole decades', () => {
    const s = logScale([0.00033, 0.9], [0, 400]);
    expect(s.ticks.filter((t) => t.major).map((t) => t.label)).toEqual(['0.0001', '0.001', '0.01', '0.1', '1']);
    expect(s(0.0001)).toBe(0);
    expect(s(1)).toBe(400);
    expect(logScale([0.02, 0.3], [0, 100]).ticks.filter((t) => t.label).map((t) => t.label)).toEqual(['0.01', '0.02', '0.05', '0.1', '0.2', '0.5', '1']);
  });

  it('formats thresholds with three significant digits', () => {
    expect([0.007620453834533691, 0.0114, 0.123456, 0, 1].map(formatThreshold)).toEqual(['0.00762', '0.0114', '0.123', '0.000', '1.000']);
  });
});

describe('simulationChart', () => {
  const n = 3000;
  const labels = Array.from({ length: n }, (_, i) => (i % 13 === 0 ? 1 : 0));
  const scores = Array.from({ length: n }, (_, i) => (((i * 7919) % n) + 1) / (n + 1) / (labels[i] ? 3 : 30));
  const names = ['retail & co', 'vip <gold>', '"quoted"'];
  const sim = simulateThresholds(
    { labels, scores, group: labels.map((_, i) => i % 3), groupNames: names, periods: 30 },
    { selection: { kind: 'recall', target: 0.9 }, minutesPerAlert: 10, byGroup: true, minGroupPositives: 1 },
  );

  it('is well-formed SVG, escaping any group name, with both panels and the chosen threshold labelled', () => {
    const svg = simulationChart(sim, { source: 'model m/1 on a<b>.csv', groupColumn: 'segment', period: 'day' });
    const root = checkXml(svg);
    expect(root).toMatchObject({ root: 'svg', attributes: { xmlns: 'http://www.w3.org/2000/svg' } });
    expect(svg).toContain('retail &amp; co');
    expect(svg).toContain('vip &lt;gold&gt;');
    expect(svg).toContain(`chosen: close below ${formatThreshold(sim.chosen.threshold)}`);
    expect(svg).toContain('(log scale)');
    for (const legend of ['recall (true positives kept)', 'false positives closed', 'alerts closed', 'review-queue precision']) expect(svg).toContain(legend);
    expect(svg).toContain('One threshold per segment, chosen together for 90.0% overall recall');
  });

  it('draws at most two points per pixel column, however many thresholds there are', () => {
    const svg = simulationChart(sim, { source: 'x' });
    const longest = Math.max(...[...svg.matchAll(/points="([^"]*)"/g)].map((m) => m[1].split(' ').length));
    expect(sim.curve.thresholds.length).toBeGreaterThan(2000);
    expect(longest).toBeLessThan(2 * 1000);
  });
});
