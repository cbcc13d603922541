// @ts-check
// The package's worker (worker.js) on a Node worker_threads thread: the Web Worker globals it
// uses (self, postMessage, onmessage) over the thread's parent port. Started by node.js's
// createValuator(); messages wait in the port until worker.js has set its handler.
import { parentPort } from 'node:worker_threads';

// The casts: lib.dom types these globals as a page's (a Window); here they are a worker's, and
// there is a parent port (worker_threads runs this file).
/** @typedef {import('node:worker_threads').MessagePort} Port */
/** @type {{ self: unknown }} */ (globalThis).self = globalThis;
/** @type {{ postMessage: (message: unknown, transfer?: readonly import('node:worker_threads').Transferable[]) => void }} */ (globalThis).postMessage = (message, transfer) => /** @type {Port} */ (parentPort).postMessage(message, transfer);
await import('./worker.js');
/** @type {Port} */ (parentPort).on('message', (data) => /** @type {{ onmessage?: ((event: { data: unknown }) => void) | null }} */ (globalThis).onmessage?.({ data }));
