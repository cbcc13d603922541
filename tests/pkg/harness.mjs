// What the package's browser tests share: a static server for the test page, the installed
// package, the model and the test data (tests/bench/browser-embed/server.mjs), and Debian's
// headless Chromium through playwright-core. Every mount is loopback; nothing else is reachable.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const PKG = path.join(import.meta.dirname, 'node_modules/@dataunion/valuation');
export const OUT = path.join(ROOT, 'target/pkg-tests');

export const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (tests/pkg/run.sh sets it)`);
  return v;
};

/** Serves `/` (the test page), `/pkg`, and the extra `{ '/route': dir }` mounts. */
export async function startServer(name, mounts) {
  fs.mkdirSync(OUT, { recursive: true });
  const portFile = path.join(OUT, `${name}.port`);
  fs.rmSync(portFile, { force: true });
  const args = [`/=${path.join(import.meta.dirname, 'web')}`, `/pkg=${PKG}`, ...Object.entries(mounts).map(([r, d]) => `${r}=${d}`)];
  const server = spawn('node', [path.join(ROOT, 'tests/bench/browser-embed/server.mjs'), portFile, ...args], { stdio: 'inherit' });
  for (let i = 0; i < 100 && !fs.existsSync(portFile); i++) await new Promise((r) => setTimeout(r, 50));
  if (!fs.existsSync(portFile)) throw new Error('the static test server did not start');
  return { server, base: `http://127.0.0.1:${fs.readFileSync(portFile, 'utf8')}` };
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** Opens the test page (window.valuation = the package) once the context is cut off from anything but loopback. */
export async function openTestPage(context, base) {
  await context.route((u) => !u.hostname.startsWith('127.0.0.1'), (r) => r.abort());
  const page = await context.newPage();
  await page.goto(`${base}/`);
  await page.waitForFunction(() => document.title === 'ready');
  return page;
}
