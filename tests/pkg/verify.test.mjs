// The package under Node: importing it touches no browser API, and verify() re-computes a report
// from the original bytes: true for the browser-made report of those bytes (written by
// browser.test.mjs), false for a tampered report or tampered bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DOMAIN = 'The government of the United States: Congress, the economy and public policy.';
const modelDir = process.env.VALUATION_MODEL_DIR;
const browserReport = path.join(ROOT, 'target/pkg-tests/browser-report-speech.json');

test('importing the browser entry under Node has no side effects', async () => {
  const pkg = await import('@dataunion/valuation');
  assert.equal(typeof pkg.createValuator, 'function');
  assert.equal(typeof globalThis.Worker, 'undefined', 'nothing was polyfilled or started');
});

test('verify() accepts the browser-made report of the same bytes and rejects tampering', async () => {
  assert.ok(modelDir, 'VALUATION_MODEL_DIR is not set (tests/pkg/run.sh sets it)');
  assert.ok(fs.existsSync(browserReport), `${browserReport} is missing: browser.test.mjs writes it`);
  const { createNodeValuator, verify } = await import('@dataunion/valuation/node');
  const bytes = fs.readFileSync(path.join(ROOT, 'tests/data/score/speech.txt'));
  const report = JSON.parse(fs.readFileSync(browserReport, 'utf8'));

  assert.equal(await verify(bytes, report, { modelDir, domain: DOMAIN }), true);

  const valuator = await createNodeValuator({ modelDir });
  try {
    assert.equal(valuator.verify(bytes, { ...report, score: report.score - 1 }, { domain: DOMAIN }), false, 'a changed score');
    const subscores = structuredClone(report.subscores);
    subscores.quality.measurements.c4.lines = subscores.quality.measurements.c4.lines + 1;
    assert.equal(valuator.verify(bytes, { ...report, subscores }, { domain: DOMAIN }), false, 'a changed measurement');
    const tampered = Buffer.concat([bytes, Buffer.from('\nOne more line.\n')]);
    assert.equal(valuator.verify(tampered, report, { domain: DOMAIN }), false, 'other bytes');
    assert.equal(valuator.verify(bytes, report, { domain: 'Whaling in the nineteenth century.' }), false, 'another domain');
    assert.equal(valuator.verify(bytes, report, { domain: DOMAIN }), true);
  } finally {
    valuator.dispose();
  }
});
