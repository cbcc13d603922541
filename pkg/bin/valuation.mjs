#!/usr/bin/env node
// @ts-check
// The package's command: hosting the model yourself in one step.
//   npx dataunion-valuation fetch-model DIR [--precision int8|f32] [--from URL_OR_DIR]
// Writes config.json, tokenizer.json and the weights of that precision into DIR (e.g. Next.js's
// public/model or Vite's public/model), every file held to the default model's SHA-256. int8 comes
// from this package's own copy unless --from says otherwise; f32 from the Hugging Face hub.
// Nothing half-checked is left behind: files are written under a temporary name and renamed only
// once all of them passed. Then point the valuator at it: createValuator({ model: { baseUrl: '/model/' } }).
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MODEL_SPEC } from '../model-spec.js';

const USAGE = 'usage: dataunion-valuation fetch-model DIR [--precision int8|f32] [--from URL_OR_DIR]';
const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * @param {string} message
 * @returns {never}
 */
function fail(message) {
  console.error(`dataunion-valuation: ${message}`);
  process.exit(1);
}

/**
 * @param {string[]} argv
 * @returns {{ precision: string, from: string | undefined, dir: string }}
 */
function parse(argv) {
  const [command, ...rest] = argv;
  if (command !== 'fetch-model') fail(command ? `unknown command ${command}\n${USAGE}` : USAGE);
  /** @type {{ precision: string, from: string | undefined, dir: string | undefined }} */
  const args = { precision: 'int8', from: undefined, dir: undefined };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--precision' || a === '--from') {
      if (rest[i + 1] === undefined) fail(`${a} needs a value\n${USAGE}`);
      args[/** @type {'precision' | 'from'} */ (a.slice(2))] = rest[++i]; // --precision or --from
    } else if (a.startsWith('--')) {
      fail(`unknown option ${a}\n${USAGE}`);
    } else if (args.dir === undefined) {
      args.dir = a;
    } else {
      fail(`one folder only\n${USAGE}`);
    }
  }
  if (!args.dir) fail(USAGE);
  if (!MODEL_SPEC.precisions.includes(args.precision)) fail(`--precision must be ${MODEL_SPEC.precisions.join(' or ')}`);
  return /** @type {{ precision: string, from: string | undefined, dir: string }} */ (args); // dir is checked just above
}

/**
 * The files of a precision, each with the size and SHA-256 it must have.
 * @param {string} precision
 */
function filesOf(precision) {
  const weights = precision === 'int8' ? 'int8Weights' : 'weights';
  return /** @type {const} */ (['config', 'tokenizer', weights]).map((role) => ({ name: MODEL_SPEC.files[role], sha256: MODEL_SPEC.sha256[role], size: MODEL_SPEC.bytes[role] }));
}

/**
 * @param {string} from
 * @param {string} name
 * @returns {Promise<{ bytes: Uint8Array, where: string }>}
 */
async function read(from, name) {
  if (/^https?:\/\//.test(from)) {
    const url = new URL(name, from.endsWith('/') ? from : `${from}/`).href;
    let response;
    try {
      response = await fetch(url);
    } catch (e) {
      throw new Error(`${url}: ${/** @type {Error} */ (e).message}`); // fetch rejects with a TypeError
    }
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return { bytes: new Uint8Array(await response.arrayBuffer()), where: url };
  }
  const file = path.join(from, name);
  return { bytes: await fs.readFile(file), where: file };
}

async function main() {
  const { dir, precision, from: given } = parse(process.argv.slice(2));
  const from = given ?? (precision === 'int8' ? path.join(here, '..', 'model') : MODEL_SPEC.baseUrl);
  const files = filesOf(precision);
  await fs.mkdir(dir, { recursive: true });
  /** @type {{ partial: string, final: string, name: string, size: number }[]} */
  const written = [];
  try {
    for (const { name, sha256, size } of files) {
      const { bytes, where } = await read(from, name);
      if (bytes.length !== size) throw new Error(`${where}: ${bytes.length} bytes, expected ${size} — not ${MODEL_SPEC.id}'s ${name}`);
      const actual = createHash('sha256').update(bytes).digest('hex');
      if (actual !== sha256) throw new Error(`${where}: sha256 ${actual}, expected ${sha256} — not ${MODEL_SPEC.id}'s ${name}`);
      const partial = path.join(dir, `.${name}.partial`);
      await fs.writeFile(partial, bytes);
      written.push({ partial, final: path.join(dir, name), name, size: bytes.length });
    }
  } catch (e) {
    await Promise.all(written.map((w) => fs.rm(w.partial, { force: true })));
    fail(/** @type {Error} */ (e).message); // ours, or one of fs's
  }
  for (const w of written) await fs.rename(w.partial, w.final);
  for (const w of written) console.log(`${path.join(dir, w.name)}  ${w.size} bytes  sha256 ok`);
  const base = precision === 'f32' ? `{ baseUrl: '/model/', precision: 'f32' }` : `{ baseUrl: '/model/' }`;
  console.log(`\nServe ${dir} at /model/ (Next.js and Vite serve public/ at /) and pass createValuator({ model: ${base} }).`);
}

main().catch((e) => fail(e.message));
