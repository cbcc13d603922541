#!/usr/bin/env node
// Serves the model folder to the www e2e test the way a CDN or the Hugging Face hub would: another
// origin, CORS, and a content-length (which a Next.js route handler drops, so the page could show
// no download total). Only the three model files; binds 127.0.0.1 (on a free port unless one is
// given) and prints `http://127.0.0.1:<port>/` as its first line.
//   node tests/www/model-server.mjs <model-dir> [port]
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: model-server.mjs <model-dir> [port]');
  process.exit(2);
}
const TYPES = new Map([
  ['config.json', 'application/json'],
  ['tokenizer.json', 'application/json'],
  ['model.safetensors', 'application/octet-stream'],
  ['model.int8.safetensors', 'application/octet-stream'],
]);

const server = createServer((req, res) => {
  const name = new URL(req.url, 'http://x').pathname.slice(1);
  const type = TYPES.get(name);
  if ((req.method !== 'GET' && req.method !== 'HEAD') || !type) {
    res.writeHead(404, { 'access-control-allow-origin': '*' }).end();
    return;
  }
  const path = join(dir, name);
  res.writeHead(200, {
    'content-type': type,
    'content-length': statSync(path).size,
    'access-control-allow-origin': '*',
    'cache-control': 'no-store',
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(path).pipe(res);
});
server.listen(Number(process.argv[3] ?? 0), '127.0.0.1', () => console.log(`http://127.0.0.1:${server.address().port}/`));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
