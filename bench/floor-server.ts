/**
 * @module The least a JSON scoring server can do, as a yardstick for `bench/serving-floor.ts`:
 * read the body, JSON.parse it, encode each alert (the server's own fast encoder), score the
 * batch in one ONNX Runtime call, and reply with id, score and a decision per alert. No
 * validation, policy, metrics, logging, auth or decision records. Not a product: never run it
 * anywhere but the benchmark.
 *
 * Usage: node --import tsx bench/floor-server.ts PORT   (prints "ready" once it listens)
 */
import { createServer } from 'node:http';
import { encodeLayered } from '../src/features/index.ts';
import { LoadedModel } from '../src/registry/loaded-model.ts';
import { type Alert, recordLayers } from '../src/serving/alert-schema.ts';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: node --import tsx bench/floor-server.ts PORT');
  process.exit(2);
}
const model = await LoadedModel.load('models/default/1');
const spec = model.manifest.featureSpec;
const nf = spec.features.length;

createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', async () => {
    const { alerts } = JSON.parse(Buffer.concat(chunks).toString()) as { alerts: Alert[] };
    const x = new Float32Array(alerts.length * nf);
    for (let i = 0; i < alerts.length; i++) encodeLayered(recordLayers(alerts[i]), spec, x, i * nf);
    const scores = await model.scorer.score(x, alerts.length);
    const body = JSON.stringify({ results: alerts.map((a, i) => ({ id: a.id, score: scores[i], decision: scores[i] >= 0.5 ? 'review' : 'auto_close' })) });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
}).listen(port, '127.0.0.1', () => console.log('ready'));
