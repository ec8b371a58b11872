/** @module The interval chart: well-formed whatever the labels, each interval drawn where its shares put it, arms without an estimate kept on the axis. */
import { describe, expect, it } from 'vitest';
import { intervalChart } from '../../src/charts/index.ts';
import { checkXml } from '../helpers/xml.ts';

describe('intervalChart', () => {
  const spec = {
    title: 'Share closed against missed', xLabel: 'closed', yLabel: 'missed', width: 1000, height: 300,
    points: [
      { label: 'control <A>', color: '#1f5fbf', x: 0.33, y: { estimate: 0.02, low: 0, high: 0.12 } },
      { label: 'B & co', color: '#c8412f', x: 0.71, y: { estimate: 0.5, low: 0.1, high: 0.76 } },
      { label: 'fresh', color: '#1f7a4d', x: 0.5, y: null },
    ],
    limit: { y: 0.3, label: 'guardrail 30.0%' },
  };

  it('is well-formed SVG, escaping labels, with the legend in words and the limit line', () => {
    const svg = intervalChart(spec);
    expect(checkXml(svg)).toMatchObject({ root: 'svg' });
    expect(svg).toContain('control &lt;A&gt;');
    expect(svg).toContain('B &amp; co');
    expect(svg).toContain('missed 50.0% (10.0%–76.0%)');
    expect(svg).toContain('missed: not estimable yet');
    expect(svg).toContain('guardrail 30.0%');
  });

  it('draws each interval from low to high, higher shares nearer the top, and a point without an estimate on the axis', () => {
    const svg = intervalChart(spec);
    const whiskers = [...svg.matchAll(/<line x1="([\d.]+)" x2="\1" y1="([\d.]+)" y2="([\d.]+)" stroke="(#[0-9a-f]{6})" stroke-width="2"\/>/g)];
    const b = whiskers.find((m) => m[4] === '#c8412f')!;
    const control = whiskers.find((m) => m[4] === '#1f5fbf')!;
    expect(Number(b[1])).toBeGreaterThan(Number(control[1]));
    expect(Number(b[2])).toBeGreaterThan(Number(b[3]));
    const axis = Number(/<line x1="[\d.]+" x2="[\d.]+" y1="([\d.]+)" y2="\1" stroke="#333333"\/>/.exec(svg)![1]);
    expect(svg).toMatch(new RegExp(`<circle cx="[\\d.]+" cy="${axis}" r="6" fill="#ffffff" stroke="#1f7a4d"`));
  });
});
