/**
 * @module Request bodies read straight from Node's stream (the real server) and through hono's
 * Request (`app.request`) give the same answers: parsed JSON, 413 past the cap, 400 for non-JSON.
 */
import { Agent, request } from 'node:http';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonBodyLimit, readJsonBody } from '../../src/http/json-body.ts';
import { type RunningServer, startServer } from '../../src/http/server.ts';

const CAP = 1024;
const app = new Hono();
app.post('/echo', jsonBodyLimit(CAP, 'a small object'), async (c) => {
  const body = await readJsonBody(c, { optional: c.req.query('optional') === '1' });
  return body.ok ? c.json({ got: body.value ?? null }) : c.json(body.error, 400);
});

let server: RunningServer;
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
beforeAll(async () => {
  server = await startServer(app, '127.0.0.1', 0);
});
afterAll(async () => {
  agent.destroy();
  await server.close();
});

/** POST over a real socket; `chunks` are written one by one, without Content-Length when `chunked`. */
function post(path: string, chunks: (string | Buffer)[], chunked = false): Promise<{ status: number; json: unknown }> {
  const url = new URL(path, server.url);
  const length = chunks.reduce((n, c) => n + Buffer.byteLength(c), 0);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', ...(chunked ? {} : { 'content-length': length }) } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(Buffer.concat(parts).toString()) }));
    });
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

/** The same request through `app.request` (hono's Request path). */
async function viaHono(path: string, body: string | Buffer): Promise<{ status: number; json: unknown }> {
  const res = await app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, json: await res.json() };
}

describe('request bodies under Node and under hono', () => {
  const cases: [string, string, (string | Buffer)[]][] = [
    ['JSON', '/echo', ['{"a":', '[1,2,"é"]}']],
    ['JSON after a byte-order mark', '/echo', [Buffer.from([0xef, 0xbb, 0xbf]), '{"a":1}']],
    ['text that is not JSON', '/echo', ['{"a":']],
    ['an empty body where one is required', '/echo', []],
    ['an empty body where it is optional', '/echo?optional=1', []],
    ['a body exactly at the cap', '/echo', [`"${'x'.repeat(CAP - 2)}"`]],
    ['a body one byte over the cap', '/echo', [`"${'x'.repeat(CAP - 1)}"`]],
  ];
  for (const [name, path, chunks] of cases) {
    it(`answer ${name} alike`, async () => {
      const whole = Buffer.concat(chunks.map((c) => Buffer.from(c)));
      const node = await post(path, chunks);
      expect(node).toEqual(await viaHono(path, whole));
      expect(await post(path, chunks, true)).toEqual(node);
    });
  }

  it('parse what was sent, and name the limit when refusing', async () => {
    expect(await post('/echo', ['{"a":[1,2,"é"]}'])).toEqual({ status: 200, json: { got: { a: [1, 2, 'é'] } } });
    const over = await post('/echo', [`"${'x'.repeat(CAP)}"`]);
    expect(over.status).toBe(413);
    expect(over.json).toMatchObject({ error: { code: 'body_too_large', message: `request body over ${CAP} bytes (a small object)` } });
    expect((await post('/echo', ['{"a":'])).json).toMatchObject({ error: { code: 'invalid_json' } });
  });

  it('refuse a chunked body once it passes the cap, and keep the connection usable', async () => {
    const big = Array.from({ length: 8 }, () => 'x'.repeat(400));
    expect((await post('/echo', ['"', ...big, '"'], true)).status).toBe(413);
    expect(await post('/echo', ['{"after":true}'])).toEqual({ status: 200, json: { got: { after: true } } });
  });
});
