// Error codes are declared once (valuation-core's ErrorCode; SubmitError's in valuation-submit)
// and generated for JS and TypeScript. The wasm side can only raise a declared code (Rust
// types); this test holds the package's own JS to the same lists: every code a JS file of the
// installed package raises or forwards must be in ERROR_CODES / ErrorCode, or, for a
// SubmitError, in the generated SubmitErrorCode union (types/submit-error-code.d.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const pkgDir = path.dirname(createRequire(import.meta.url).resolve('@dataunion/valuation/package.json'));
const read = (f) => fs.readFileSync(path.join(pkgDir, f), 'utf8');

test('every error code the package\'s JS raises is in the generated lists', async () => {
  const { ERROR_CODES } = await import('@dataunion/valuation/node');
  const dts = read('types/error-code.d.ts');
  const union = new Set([...dts.matchAll(/\| "([a-z_]+)"/g)].map((m) => m[1]));
  assert.deepEqual([...union].sort(), [...ERROR_CODES].sort(), 'the d.ts union and the JS list agree');
  assert.ok(ERROR_CODES.includes('not_in_browser') && ERROR_CODES.includes('empty_file'));
  const submitCodes = new Set([...read('types/submit-error-code.d.ts').matchAll(/\| "([a-z_]+)"/g)].map((m) => m[1]));
  assert.ok(submitCodes.has('rls_denied') && submitCodes.has('no_model'), 'the SubmitErrorCode union was found');
  const wasmDts = read('web/valuation_wasm.d.ts');
  assert.match(wasmDts, /code: import\("\.\.\/types\/submit-error-code\.js"\)\.SubmitErrorCode;/,
    'the raw bindings\' SubmitError imports the generated union');

  const raised = [];
  for (const file of fs.readdirSync(pkgDir).filter((f) => f.endsWith('.js') || f.endsWith('.mjs'))) {
    const source = read(file);
    for (const m of source.matchAll(/new (ValuationError|SubmitError)\(\s*'([a-z_]+)'/g)) raised.push({ file, kind: m[1], code: m[2] });
    for (const m of source.matchAll(/\bcode: '([a-z_]+)'/g)) raised.push({ file, kind: 'ValuationError', code: m[1] });
  }
  assert.ok(raised.length >= 10, `found the package's raise sites (${raised.length})`);
  for (const { file, kind, code } of raised) {
    const known = kind === 'SubmitError' ? submitCodes : new Set(ERROR_CODES);
    assert.ok(known.has(code), `${file} raises ${kind} '${code}', which the generated ${kind === 'SubmitError' ? 'SubmitError union' : 'ErrorCode'} lacks`);
  }
});
