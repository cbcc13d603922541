// The package README's JavaScript examples, compiled as a user would paste them: every ```js
// block of the installed package's README.md becomes a TypeScript module (strict, skipLibCheck
// off, against the published declarations), with only the page's own objects declared
// (snippets-globals.d.ts). An example that calls a renamed function, passes a wrong option or
// reads a field the report lacks fails here. Run by run.sh; writes .snippets/ and runs tsc.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const pkgDir = path.dirname(createRequire(import.meta.url).resolve('@dataunion/valuation/package.json'));
const readme = fs.readFileSync(path.join(pkgDir, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/^( *)```js\n([\s\S]*?)^\1```$/gm)].map((m) => m[2].replace(new RegExp(`^${m[1]}`, 'gm'), ''));
if (blocks.length < 4) throw new Error(`expected the README's JavaScript examples, found ${blocks.length} blocks`);

const out = path.join(here, '.snippets');
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out);
const files = blocks.map((code, i) => {
  const file = `snippet-${i + 1}.ts`;
  // `export {}`: a module even when the example imports nothing, so top-level await is allowed.
  fs.writeFileSync(path.join(out, file), `// README.md, JavaScript example ${i + 1}\n${code}\nexport {};\n`);
  return file;
});
fs.copyFileSync(path.join(here, 'snippets-globals.d.ts'), path.join(out, 'globals.d.ts'));
fs.writeFileSync(path.join(out, 'tsconfig.json'), JSON.stringify({
  compilerOptions: {
    target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022', 'DOM'],
    types: ['node'], strict: true, noEmit: true, skipLibCheck: false, noUnusedLocals: false,
  },
  files: ['globals.d.ts', ...files],
}, null, 2));
console.error(`readme-snippets: ${files.length} examples from ${path.relative(here, path.join(pkgDir, 'README.md'))}`);
try {
  execFileSync(path.join(here, 'node_modules/.bin/tsc'), ['-p', path.join(out, 'tsconfig.json')], { stdio: 'inherit' });
} catch {
  console.error('readme-snippets: a README example does not compile against the package (above)');
  process.exit(1);
}
