// Static files for the benchmark page, on 127.0.0.1 only. Routes are prefixes mapped to folders:
//   node server.mjs PORT_FILE /=web /pkg=../pkg/web /model=MODEL_DIR /data=FIXTURES_DIR
// A folder ending in `@spa` answers unknown paths as a single-page-app host does: 200 and an HTML
// page (the tests' wrong-model-URL case); one ending in `@gzip` compresses on the fly and so sends no
// content-length, as many hosts do; one ending in `@endless` sends each file and then zeros without
// end (a hostile or broken host: the client must stop reading on its own).
// Writes the chosen port to PORT_FILE once listening. Responses are never cached, so every page
// load measures a real cold start.
import http from 'node:http';
import zlib from 'node:zlib';
import fs from 'node:fs';
import path from 'node:path';

const [portFile, ...mounts] = process.argv.slice(2);
const routes = mounts
  .map((m) => {
    const [prefix, target] = m.split('=');
    // Only these suffixes: a folder may have an @ of its own (node_modules/@scope/...).
    const [, dir, mode] = target.match(/^(.*?)(?:@(spa|gzip|endless))?$/);
    return [prefix.replace(/\/$/, ''), path.resolve(dir), mode];
  })
  .sort((a, b) => b[0].length - a[0].length);
const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.json': 'application/json', '.txt': 'text/plain; charset=utf-8' };

const server = http.createServer((req, res) => {
  const url = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  const route = routes.find(([prefix]) => url === prefix || url.startsWith(prefix + '/'));
  if (!route) { res.writeHead(404).end(); return; }
  const [prefix, dir, mode] = route;
  let file = path.join(dir, url.slice(prefix.length));
  if (!file.startsWith(dir)) { res.writeHead(403).end(); return; }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
  fs.stat(file, (err, stat) => {
    if (err && mode === 'spa') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end('<!doctype html><html><body><div id="root"></div></body></html>');
      return;
    }
    if (err) { res.writeHead(404).end(); return; }
    if (mode === 'gzip') {
      res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream',
        'content-encoding': 'gzip', 'cache-control': 'no-store' });
      fs.createReadStream(file).pipe(zlib.createGzip()).pipe(res);
      return;
    }
    if (mode === 'endless') {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'no-store' });
      const zeros = Buffer.alloc(64 * 1024);
      const more = () => { while (!res.destroyed && res.write(zeros)); };
      res.on('drain', more);
      fs.createReadStream(file).on('end', more).pipe(res, { end: false });
      return;
    }
    res.writeHead(200, {
      'content-type': types[path.extname(file)] || 'application/octet-stream',
      'content-length': stat.size,
      'cache-control': 'no-store',
    });
    fs.createReadStream(file).pipe(res);
  });
});
server.listen(0, '127.0.0.1', () => fs.writeFileSync(portFile, String(server.address().port)));
