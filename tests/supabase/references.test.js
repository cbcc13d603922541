'use strict';
// Dataset references (issue 14) through the REST API, as the owner's upload step and the
// contributor's browser use it: the owner publishes and replaces, nobody else can, whoever may
// contribute reads it, the CHECKs refuse a hash or size that does not describe the bytes, and the
// contributable_datasets listing shows each reader only what they may contribute to.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const h = require('./helpers');

const OWNER = '71111111-1111-4111-8111-111111111111';
const CONTRIBUTOR = '72222222-2222-4222-8222-222222222222';
const MEMBER = '73333333-3333-4333-8333-333333333333';
const DS_OPEN = 'd7000000-0000-4000-8000-000000000001';
const DS_INVITE = 'd7000000-0000-4000-8000-000000000002';
const DS_UNOWNED = 'd7000000-0000-4000-8000-000000000003';

let db;

/** A reference row as the upload step sends it: bytea as PostgREST reads it, "\x<hex>". */
function referenceRow(datasetId, bytes, overrides = {}) {
  return {
    dataset_id: datasetId,
    content: `\\x${bytes.toString('hex')}`,
    sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
    byte_size: bytes.length,
    ...overrides,
  };
}

const publish = (sub, row) => h.rest('dataset_references', {
  method: 'POST', token: h.userToken(sub), body: row, query: 'on_conflict=dataset_id',
  prefer: 'resolution=merge-duplicates,return=minimal',
});
const readReference = (sub, datasetId) => h.rest('dataset_references', {
  token: h.userToken(sub), query: `select=dataset_id,sha256,byte_size,content,published_by&dataset_id=eq.${datasetId}`,
});

before(async () => {
  db = await h.adminClient();
  await h.seed(db, {
    users: [OWNER, CONTRIBUTOR, MEMBER],
    datasets: [
      { id: DS_OPEN, domain: 'references-a', name: 'open' },
      { id: DS_INVITE, domain: 'references-b', name: 'invite' },
      { id: DS_UNOWNED, domain: 'references-c', name: 'operator only' },
    ],
  });
  await db.query('update public.datasets set owner_id = $1 where id = any($2)', [OWNER, [DS_OPEN, DS_INVITE]]);
  await db.query(`update public.datasets set access = 'invite' where id = $1`, [DS_INVITE]);
  await db.query('insert into public.dataset_members (dataset_id, contributor_id) values ($1, $2)', [DS_INVITE, MEMBER]);
});
after(async () => { await db?.end(); });

test('the owner publishes, then replaces; the server stamps who and when', async () => {
  const first = Buffer.from('first reference bytes');
  const res = await publish(OWNER, referenceRow(DS_OPEN, first));
  assert.equal(res.status, 201, res.text);
  const [row1] = (await db.query('select sha256, byte_size, published_by, published_at from public.dataset_references where dataset_id = $1', [DS_OPEN])).rows;
  assert.equal(row1.sha256, referenceRow(DS_OPEN, first).sha256);
  assert.equal(row1.published_by, OWNER);

  const second = Buffer.from('the replacement, a little longer');
  const replaced = await publish(OWNER, referenceRow(DS_OPEN, second));
  assert.equal(replaced.status, 200, replaced.text); // PostgREST: an upsert that updated is 200, not 201
  const rows = (await db.query('select content, byte_size, published_at from public.dataset_references where dataset_id = $1', [DS_OPEN])).rows;
  assert.equal(rows.length, 1);
  assert.deepEqual(rows[0].content, second);
  assert.equal(rows[0].byte_size, second.length);
  assert.ok(rows[0].published_at >= row1.published_at);
});

test('another user cannot publish nor replace (403 42501), and the stored reference is unchanged', async () => {
  const before = (await db.query('select sha256 from public.dataset_references where dataset_id = $1', [DS_OPEN])).rows;
  assert.equal(before.length, 1, 'the previous test published one');
  const replace = await publish(CONTRIBUTOR, referenceRow(DS_OPEN, Buffer.from('a hijacked reference')));
  assert.equal(replace.status, 403, replace.text);
  assert.equal(replace.json.code, '42501');
  const fresh = await publish(CONTRIBUTOR, referenceRow(DS_UNOWNED, Buffer.from('nobody owns this one')));
  assert.equal(fresh.status, 403, fresh.text);
  assert.equal(fresh.json.code, '42501');
  // the owner of one dataset is nobody special on another
  const elsewhere = await publish(OWNER, referenceRow(DS_UNOWNED, Buffer.from('not my dataset')));
  assert.equal(elsewhere.status, 403, elsewhere.text);
  assert.deepEqual((await db.query('select sha256 from public.dataset_references where dataset_id = $1', [DS_OPEN])).rows, before);
  assert.equal((await db.query('select count(*)::int as n from public.dataset_references where dataset_id = $1', [DS_UNOWNED])).rows[0].n, 0);
});

test('a contributor reads the reference of an open dataset; bytes, hash and size agree', async () => {
  const res = await readReference(CONTRIBUTOR, DS_OPEN);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.length, 1);
  const bytes = Buffer.from(res.json[0].content.replace(/^\\x/, ''), 'hex');
  assert.equal(bytes.toString(), 'the replacement, a little longer');
  assert.equal(res.json[0].byte_size, bytes.length);
  assert.equal(res.json[0].sha256, crypto.createHash('sha256').update(bytes).digest('hex'));
  assert.equal(res.json[0].published_by, OWNER);
});

test('invite-only: a member reads the reference, a non-member reads nothing, anon is refused', async () => {
  assert.equal((await publish(OWNER, referenceRow(DS_INVITE, Buffer.from('members only')))).status, 201);
  const member = await readReference(MEMBER, DS_INVITE);
  assert.equal(member.status, 200, member.text);
  assert.equal(member.json.length, 1);
  const outsider = await readReference(CONTRIBUTOR, DS_INVITE);
  assert.equal(outsider.status, 200, outsider.text);
  assert.deepEqual(outsider.json, []);
  const anon = await h.rest('dataset_references', { query: `select=sha256&dataset_id=eq.${DS_INVITE}` });
  assert.equal(anon.status, 401, anon.text);
});

test('CHECKs refuse a hash or size that does not describe the bytes, a bad hash format, an empty or oversized reference', async () => {
  const bytes = Buffer.from('a reference the owner means to publish');
  const cases = [
    [{ sha256: crypto.createHash('sha256').update('other bytes').digest('hex') }, 'dataset_references_sha256_matches'],
    [{ sha256: 'A'.repeat(64) }, 'dataset_references_sha256_hex'],
    [{ sha256: 'not a hash' }, 'dataset_references_sha256_hex'],
    [{ byte_size: bytes.length + 1 }, 'dataset_references_size_matches'],
  ];
  for (const [override, constraint] of cases) {
    const res = await publish(OWNER, referenceRow(DS_OPEN, bytes, override));
    assert.equal(res.status, 400, `${JSON.stringify(override)}: ${res.text}`);
    assert.equal(res.json.code, '23514');
    assert.match(res.json.message, new RegExp(constraint));
  }
  const empty = await publish(OWNER, referenceRow(DS_OPEN, Buffer.alloc(0)));
  assert.equal(empty.status, 400, empty.text);
  assert.match(empty.json.message, /dataset_references_byte_size_range/);
  // over 4 MiB: refused by the database whatever route it takes (here the operator's own SQL)
  const big = crypto.randomBytes(4 * 1024 * 1024 + 1);
  await assert.rejects(db.query(`insert into public.dataset_references (dataset_id, content, sha256, byte_size)
                                 values ($1, $2, encode(sha256($2), 'hex'), octet_length($2))`, [DS_UNOWNED, big]),
  (e) => e.code === '23514' && /dataset_references_byte_size_range/.test(e.message));
  // nothing of it was stored
  const [row] = (await db.query('select convert_from(content, \'utf8\') as text from public.dataset_references where dataset_id = $1', [DS_OPEN])).rows;
  assert.equal(row.text, 'the replacement, a little longer');
});

test('contributable_datasets lists what the caller may contribute to, with the reference hash, by domain then quality', async () => {
  const query = `select=id,domain,reference_sha256,reference_byte_size&domain=like.references-*&order=domain,quality_score.desc.nullslast`;
  const member = await h.rest('contributable_datasets', { token: h.userToken(MEMBER), query });
  assert.equal(member.status, 200, member.text);
  assert.deepEqual(member.json.map((d) => d.id), [DS_OPEN, DS_INVITE, DS_UNOWNED]);
  assert.equal(member.json[0].reference_sha256,
    crypto.createHash('sha256').update('the replacement, a little longer').digest('hex'));
  assert.equal(member.json[2].reference_sha256, null);
  const outsider = await h.rest('contributable_datasets', { token: h.userToken(CONTRIBUTOR), query });
  assert.deepEqual(outsider.json.map((d) => d.id), [DS_OPEN, DS_UNOWNED]);
  const anon = await h.rest('contributable_datasets', { query: 'select=id' });
  assert.equal(anon.status, 401, anon.text);
});
