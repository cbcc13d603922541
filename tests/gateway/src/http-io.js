'use strict';
// Reading request bodies under a size limit and writing response objects
// ({status, headers, body}) with the CORS headers a browser-side client needs.

const HARD_CAP_BYTES = 64 * 1024 * 1024; // beyond this an oversized upload is cut off, not drained

const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'Content-Location, Content-Range, Content-Type, Location, '
    + 'Preference-Applied, Proxy-Status, Retry-After, WWW-Authenticate, X-Fault-Injected',
};

const PREFLIGHT_HEADERS = {
  'Access-Control-Allow-Methods': 'GET, HEAD, POST, OPTIONS',
  'Access-Control-Allow-Headers': 'apikey, authorization, content-type, prefer, accept, range, '
    + 'x-client-info, x-retry-count, accept-profile, content-profile',
  'Access-Control-Max-Age': '86400',
};

/**
 * Resolves { tooLarge, text }. An oversized body is drained (so the client can read the 413)
 * but not kept. Rejects if the client goes away mid-body.
 */
function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    let tooLarge = Number.isFinite(declared) && declared > limit;
    let size = 0;
    let chunks = [];
    let ended = false;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (tooLarge) chunks = [];
      else chunks.push(chunk);
      if (size > HARD_CAP_BYTES) req.socket.destroy();
    });
    req.on('end', () => {
      ended = true;
      resolve({ tooLarge, text: tooLarge ? '' : Buffer.concat(chunks).toString('utf8') });
    });
    req.on('error', reject);
    req.on('close', () => { if (!ended) reject(new Error('request body aborted')); });
  });
}

function send(res, { status, headers = {}, body = '' }) {
  const bytes = Buffer.from(body ?? '', 'utf8');
  res.writeHead(status, { ...CORS_HEADERS, ...headers, 'Content-Length': bytes.length });
  res.end(bytes);
}

/** Close the connection without any response (a dropped connection, as the client sees it). */
function drop(req) {
  req.socket.destroy();
}

module.exports = { readBody, send, drop, PREFLIGHT_HEADERS };
