// The package's worker (worker.js) on a Node worker_threads thread: the Web Worker globals it
// uses (self, postMessage, onmessage) over the thread's parent port. Started by node.js's
// createValuator(); messages wait in the port until worker.js has set its handler.
import { parentPort } from 'node:worker_threads';

globalThis.self = globalThis;
globalThis.postMessage = (message, transfer) => parentPort.postMessage(message, transfer);
await import('./worker.js');
parentPort.on('message', (data) => globalThis.onmessage?.({ data }));
