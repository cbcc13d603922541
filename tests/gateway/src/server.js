#!/usr/bin/env node
'use strict';
// TEST STAND-IN ONLY. A small PostgREST-compatible gateway that serves Supabase's /rest/v1
// contract in front of a local PostgreSQL, so the project's SQL (supabase/migrations) and its
// clients can be tested without Supabase. Production talks to Supabase. Loopback only.
//
//   node tests/gateway/src/server.js --database-url postgres://authenticator@127.0.0.1:PORT/app [--port 0]
//   (--help lists every option and its environment variable)
// Prints "listening on <port>" on stdout when ready.

const http = require('node:http');
const { setTimeout: sleep } = require('node:timers/promises');
const { parseConfig, ConfigError } = require('./config');
const { createPool } = require('./db');
const { SchemaCache, listenForReload } = require('./schema-cache');
const { Faults, faultResponse } = require('./faults');
const { readBody, send, drop } = require('./http-io');
const { handleRest } = require('./rest');
const { handleControl } = require('./control');
const { errors } = require('./errors');

const log = (msg) => process.stderr.write(`gateway: ${msg}\n`);

function createHandler({ config, cache, pool, faults }) {
  return async function handle(req, res) {
    const started = Date.now();
    const url = new URL(req.url, 'http://gateway.invalid');
    let status = null;
    let fault = null;
    try {
      if (url.pathname.startsWith('/__')) {
        const body = await readBody(req, 1024 * 1024);
        const response = await handleControl({ req, url, bodyText: body.text, faults, cache });
        send(res, response);
        return;
      }
      fault = faults.take(req.method, url.pathname);
      if (fault?.delay_ms) await sleep(fault.delay_ms);
      const replaces = fault && (fault.action === 'status' || fault.action === 'drop');
      const body = await readBody(req, config.maxBodyBytes);
      let response = null;
      if (!(replaces && fault.when === 'before')) {
        response = body.tooLarge
          ? errors.payloadTooLarge()
          : await handleRest({ req, url, bodyText: body.text, config, cache, pool });
        if (fault?.hold_ms) await sleep(fault.hold_ms);
      }
      if (replaces) {
        if (fault.action === 'drop') {
          drop(req);
          return;
        }
        response = faultResponse(fault);
      }
      status = response.status;
      send(res, response);
    } catch (err) {
      log(`${req.method} ${req.url}: ${err.stack || err}`);
      if (!res.headersSent && !req.socket.destroyed) {
        status = 500;
        send(res, errors.internal(err));
      }
    } finally {
      if (url.pathname.startsWith('/rest/v1/')) {
        faults.record({
          method: req.method, path: `${url.pathname}${url.search}`, fault, status,
          retryCount: req.headers['x-retry-count'],
        });
      }
      if (config.logRequests) log(`${req.method} ${req.url} -> ${status ?? 'dropped'} (${Date.now() - started} ms)`);
    }
  };
}

async function main() {
  let config;
  try {
    config = parseConfig(process.argv.slice(2), process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  if (config.help) {
    process.stdout.write(`${config.help}\n`);
    return;
  }

  const pool = createPool(config, log);
  const cache = new SchemaCache(pool, config.schema);
  try {
    await cache.load();
  } catch (e) {
    log(`cannot load the schema cache from ${config.databaseUrl}: ${e.message}`);
    await pool.end();
    process.exit(1);
  }
  const reload = () => cache.load().catch((e) => log(`schema cache reload failed: ${e.message}`));
  const listener = await listenForReload(config.databaseUrl, reload, log);
  const faults = new Faults(config.faults);

  const server = http.createServer(createHandler({ config, cache, pool, faults }));
  server.keepAliveTimeout = 5000;

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(0), 2000).unref();
    server.close();
    server.closeAllConnections();
    await Promise.allSettled([listener.end(), pool.end()]);
    process.exit(0);
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  if (config.exitOnStdinClose) {
    process.stdin.on('end', shutdown);
    process.stdin.on('close', shutdown);
    process.stdin.resume();
  }

  server.on('error', (e) => {
    log(`cannot listen on ${config.host}:${config.port}: ${e.message}`);
    process.exit(1);
  });
  server.listen(config.port, config.host, () => {
    process.stdout.write(`listening on ${server.address().port}\n`);
  });
}

main().catch((e) => {
  log(e.stack || String(e));
  process.exit(1);
});
