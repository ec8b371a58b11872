/**
 * @module The request bodies of the serving benchmarks: 5,000 synthetic alerts (seed 21) as 50
 * distinct `POST /v1/score` bodies of 100 alerts, sent as they are (the same ids every lap) or
 * with ids made unique per request, as fresh traffic would be.
 */
import type autocannon from 'autocannon';
import { type Alert, alertFromRecord } from '../src/serving/alert-schema.ts';
import { generateAlerts } from '../src/synth/generate.ts';

/** The benchmarks' 5,000 alerts (synthetic, seed 21). */
export function benchAlerts(): Alert[] {
  return Array.from(generateAlerts({ rows: 5_000, seed: 21 }), (a) => alertFromRecord(a));
}

/** `alerts` as JSON request bodies of 100 alerts each (50 of them for `benchAlerts()`). */
export function batchBodies(alerts: readonly Alert[]): string[] {
  return Array.from({ length: Math.floor(alerts.length / 100) }, (_, k) => JSON.stringify({ alerts: alerts.slice(k * 100, (k + 1) * 100) }));
}

/** autocannon requests that POST each body as it is: every lap re-scores the same alert ids. */
export function fixedRequests(bodies: readonly string[]): autocannon.Request[] {
  return bodies.map((body) => ({ method: 'POST', path: '/v1/score', headers: { 'content-type': 'application/json' }, body }));
}

const COUNTER_WIDTH = 10;
const MARK = '~'.repeat(COUNTER_WIDTH);

/**
 * autocannon requests over the same 50 batches, where every request gets its own ids: alert
 * `A00000001` is sent as `A00000001.0000000042` in the 42nd request built. Each body is a
 * template Buffer with the offsets of its ids' counters, rewritten in place: a request costs
 * 100 copies of 10 bytes plus autocannon's rebuilding of the request (one copy of the body), in
 * the load generator, whose CPU the benchmark reports.
 */
export function uniqueIdRequests(alerts: readonly Alert[]): { requests: autocannon.Request[]; built(): number } {
  let next = 0;
  const counter = Buffer.alloc(COUNTER_WIDTH);
  const requests = Array.from({ length: Math.floor(alerts.length / 100) }, (_, k): autocannon.Request => {
    const batch = alerts.slice(k * 100, (k + 1) * 100).map((a) => ({ ...a, id: `${a.id}.${MARK}` }));
    const template = Buffer.from(JSON.stringify({ alerts: batch }));
    const offsets: number[] = [];
    for (let at = template.indexOf(MARK); at >= 0; at = template.indexOf(MARK, at + COUNTER_WIDTH)) offsets.push(at);
    if (offsets.length !== batch.length) throw new Error(`expected ${batch.length} id marks in body ${k}, found ${offsets.length}`);
    return {
      method: 'POST', path: '/v1/score', headers: { 'content-type': 'application/json' }, body: template,
      setupRequest(request) {
        counter.write(String(next++).padStart(COUNTER_WIDTH, '0'), 'latin1');
        for (const at of offsets) counter.copy(template, at);
        // In place: autocannon copies the body into the request's bytes (Buffer.concat) before it asks for the next one.
        request.body = template;
        return request;
      },
    };
  });
  return { requests, built: () => next };
}
