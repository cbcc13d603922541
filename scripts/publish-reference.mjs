#!/usr/bin/env node
// Publishes (or replaces) a dataset's novelty reference: the one upload step after
// `valuation dataset-ref FILES... -o REF`. The dataset's owner runs it with their own session
// token; the database (RLS on datasets.owner_id, CHECKs on hash and size) refuses anyone else and
// any row whose hash or size does not describe its bytes.
//
// It is the REST call supabase-js makes for
//   supabase.from('dataset_references')
//     .upsert({ dataset_id, content: '\\x' + hex, sha256, byte_size }, { onConflict: 'dataset_id' })
// i.e. POST /rest/v1/dataset_references?on_conflict=dataset_id
//      Prefer: resolution=merge-duplicates      (201 first publish, 200 replacement)
//
// Usage: node scripts/publish-reference.mjs DATASET_ID REF_FILE
// Env:   SUPABASE_URL, SUPABASE_ANON_KEY, SUPABASE_ACCESS_TOKEN (the owner's session JWT)
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const [datasetId, file] = process.argv.slice(2);
const env = (name) => process.env[name] || die(`${name} is not set`);
function die(message) {
  console.error(`publish-reference: ${message}`);
  process.exit(1);
}
if (!datasetId || !file) die('usage: node scripts/publish-reference.mjs DATASET_ID REF_FILE');

const bytes = readFileSync(file);
const sha256 = createHash('sha256').update(bytes).digest('hex');
const response = await fetch(`${env('SUPABASE_URL')}/rest/v1/dataset_references?on_conflict=dataset_id`, {
  method: 'POST',
  headers: {
    apikey: env('SUPABASE_ANON_KEY'),
    Authorization: `Bearer ${env('SUPABASE_ACCESS_TOKEN')}`,
    'Content-Type': 'application/json',
    Prefer: 'resolution=merge-duplicates,return=minimal',
  },
  // bytea in JSON as PostgREST reads and writes it: "\x" + lowercase hex
  body: JSON.stringify({ dataset_id: datasetId, content: `\\x${bytes.toString('hex')}`, sha256, byte_size: bytes.length }),
});
if (response.status !== 200 && response.status !== 201) {
  die(`${response.status} ${await response.text()}`);
}
console.log(`${response.status === 201 ? 'published' : 'replaced'} the reference of dataset ${datasetId}: ` +
  `${bytes.length} bytes, sha256 ${sha256}`);
