// Writes the cost benchmark's inputs: real prose (the quality corpus's State of the Union and
// Moby-Dick documents) and a realistic CSV, at 1, 10 and 100 MB. Beyond the corpus's 1 MB each
// pass over it reorders every document's sentences differently, so units stay distinct: the
// worst case for the duplicate-tracking hash sets, and no duplicate caps.
//   node make-files.mjs CORPUS.jsonl OUT_DIR
import fs from 'node:fs';
import path from 'node:path';

const [corpus, out] = process.argv.slice(2);
const prose = fs.readFileSync(corpus, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
  .filter((d) => d.label === 'prose').map((d) => d.text);
if (!prose.length) throw new Error(`no prose documents in ${corpus}`);
fs.mkdirSync(out, { recursive: true });

function write(name, target, piece) {
  const file = path.join(out, name);
  if (fs.existsSync(file) && fs.statSync(file).size >= target) return;
  const fd = fs.openSync(file, 'w');
  let size = 0;
  for (let i = 0; size < target; i++) {
    const chunk = piece(i);
    fs.writeSync(fd, chunk);
    size += Buffer.byteLength(chunk);
  }
  fs.closeSync(fd);
}

// A fixed linear congruential generator: the same files on every machine.
let seed = 42;
const rand = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
const cities = ['Lisbon', 'Osaka', 'Nairobi', 'Quito', 'Tallinn', 'Perth', 'Accra', 'Lyon'];
const labels = ['approved', 'approved', 'approved', 'rejected', 'pending'];

/** The document's sentences in an order fixed by `pass` (pass 0: as written). */
function reorder(text, pass) {
  if (pass === 0) return text;
  const sentences = text.split(/(?<=[.!?])\s+/);
  seed = 7919 * pass;
  for (let i = sentences.length - 1; i > 0; i--) {
    const j = rand(i + 1);
    [sentences[i], sentences[j]] = [sentences[j], sentences[i]];
  }
  return sentences.join(' ');
}

for (const mb of [1, 10, 100]) {
  const target = mb * 1024 * 1024;
  write(`prose-${mb}MB.txt`, target, (i) => `${reorder(prose[i % prose.length], Math.floor(i / prose.length))}\n\n`);
  seed = 42;
  write(`table-${mb}MB.csv`, target, (i) => (i === 0 ? 'id,customer,city,amount,date,status\n' : '') +
    `${i},customer ${rand(1e6)},${cities[rand(8)]},${(rand(1e6) / 100).toFixed(2)},2026-${1 + rand(12)}-${1 + rand(28)},${labels[rand(5)]}\n`);
}
