/**
 * @module A client that disconnects mid-body (issue 15, item 6) is counted under
 * `status="aborted"` in winnow_http_requests_total, not as a 500 no client ever saw.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.ts';
import { type RunningServer, startServer } from '../../src/http/server.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import { defaultPolicy, tempModels } from './helpers.ts';

let registry: ModelRegistry;
let server: RunningServer;
beforeAll(async () => {
  registry = await ModelRegistry.open(tempModels());
  server = await startServer(createApp({ registry, policyFor: defaultPolicy }), '127.0.0.1', 0);
});
afterAll(async () => {
  await server.close();
  await registry.close();
});

/** Sends headers promising 1,000 bytes, then 10 of them, then closes the socket. */
function abandonMidBody(): Promise<void> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => {
      socket.write('POST /v1/score HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"alerts":');
      setTimeout(() => socket.destroy(), 50);
    });
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
}

it('counts requests whose client left mid-body as aborted, never as 500', async () => {
  for (let i = 0; i < 3; i++) await abandonMidBody();
  const ok = await fetch(`${server.url}/v1/score`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ alerts: [{ id: 'A-1', ruleId: 'tm_structuring' }] }) });
  expect(ok.status).toBe(200);
  // The handler settles when Node notices the close; give it a moment.
  let metrics = '';
  for (let t = 0; t < 50 && !metrics.includes('status="aborted"} 3'); t++) {
    await new Promise((r) => setTimeout(r, 20));
    metrics = await (await fetch(`${server.url}/metrics`)).text();
  }
  expect(metrics).toContain('winnow_http_requests_total{route="/v1/score",method="POST",status="aborted"} 3');
  expect(metrics).toContain('winnow_http_requests_total{route="/v1/score",method="POST",status="200"} 1');
  expect(metrics).not.toMatch(/winnow_http_requests_total\{[^}]*status="500"/);
});
