// How the package resolves a model source (model.js's resolveModel, as the worker calls it): which
// hash and size each file is held to. A source's entries left undefined mean the default, as for
// every other option: `sha256: { weights: undefined }` must not unpin the weights.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { PKG } from './harness.mjs';

const { resolveModel, DEFAULT_MODEL } = await import(path.join(PKG, 'model.js'));
const { MODEL_SPEC } = await import(path.join(PKG, 'model-spec.js'));

test('the default model: every file held to the manifest hash and size', () => {
  for (const precision of ['int8', 'f32']) {
    const { sources } = resolveModel({ precision, baseUrl: 'https://cdn.example/m/' });
    const weights = precision === 'int8' ? 'int8Weights' : 'weights';
    for (const [role, key] of [['config', 'config'], ['tokenizer', 'tokenizer'], ['weights', weights]]) {
      const [file, url, sha256, bytes] = sources[role];
      assert.equal(file, MODEL_SPEC.files[key]);
      assert.equal(url, `https://cdn.example/m/${MODEL_SPEC.files[key]}`);
      assert.equal(sha256, MODEL_SPEC.sha256[key], `${precision} ${role}`);
      assert.equal(bytes, MODEL_SPEC.bytes[key], `${precision} ${role}`);
    }
  }
});

test('entries left undefined keep the defaults; a re-pinned hash drops that file\'s size only', () => {
  const loose = resolveModel({ precision: 'f32', files: { config: undefined }, sha256: { weights: undefined, config: undefined } });
  assert.deepEqual(loose.sources, resolveModel({ precision: 'f32' }).sources);
  const repinned = resolveModel({ precision: 'f32', sha256: { weights: 'ab'.repeat(32) } });
  assert.deepEqual(repinned.sources.weights.slice(2), ['ab'.repeat(32), undefined]);
  assert.deepEqual(repinned.sources.config.slice(2), [DEFAULT_MODEL.sha256.config, MODEL_SPEC.bytes.config]);
});

test('another model id: no default hash or size applies', () => {
  const { sources } = resolveModel({ id: 'me/my-minilm', baseUrl: 'https://cdn.example/m/' });
  for (const role of ['config', 'tokenizer', 'weights']) assert.deepEqual(sources[role].slice(2), [undefined, undefined], role);
});
