// Starts the real anteroom binary for one test file and stops it again.
//
// Contract (fixed by the issue):
//   binary   = $ANTEROOM_BIN or <repo>/target/debug/anteroom
//   command  = anteroom serve --listen 127.0.0.1:0 --data-dir <fresh temp dir> [extraArgs...]
//   env      = ANTEROOM_API_KEY=<generated key> (plus opts.env)
//   stdout   = exactly one line `anteroom ready api=<api url> app=<app url>` once listening
//              (later also ` udp=<addr>`; any further key=value pairs are tolerated)
//
// Usage:
//   const server = await startServer();
//   ... server.apiUrl, server.appUrl, server.apiKey ...
//   await server.stop();   // kills the process and removes the data dir; idempotent

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..', '..');

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random string of `len` characters from [A-Za-z0-9] (rejection sampling, no bias). */
export function randomAlnum(len = 32) {
  let out = '';
  while (out.length < len) {
    for (const b of randomBytes(len * 2)) {
      if (b < 248 && out.length < len) out += ALNUM[b % 62];
    }
  }
  return out;
}

export function binaryPath() {
  return process.env.ANTEROOM_BIN || path.join(repoRoot, 'target', 'debug', 'anteroom');
}

/** Parses the ready line; returns null when `line` is not one. */
export function parseReadyLine(line) {
  const m = /^\s*anteroom ready\b(.*)$/.exec(line);
  if (!m) return null;
  const fields = {};
  for (const [, k, v] of m[1].matchAll(/([A-Za-z_][\w-]*)=(\S+)/g)) fields[k] = v;
  return fields;
}

const live = new Set();
process.once('exit', () => {
  // Last resort if a test file dies without running its `after` hook.
  for (const child of live) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
});

/**
 * @param {object} [opts]
 * @param {string[]} [opts.extraArgs] - appended after the fixed arguments
 * @param {boolean} [opts.allowPrivateWebhooks] - pass --webhooks-allow-private, so webhooks may
 *   point to a receiver on 127.0.0.1
 * @param {Record<string,string>} [opts.env] - extra environment (overrides)
 * @param {string} [opts.apiKey] - default: 32 random alphanumerics
 * @param {number} [opts.readyTimeoutMs] - default 20000
 */
export async function startServer(opts = {}) {
  const { env = {}, readyTimeoutMs = 20_000 } = opts;
  const extraArgs = [...(opts.extraArgs ?? []), ...(opts.allowPrivateWebhooks ? ['--webhooks-allow-private'] : [])];
  const apiKey = opts.apiKey ?? randomAlnum(32);
  const bin = binaryPath();
  if (!existsSync(bin)) {
    throw new Error(
      `anteroom binary not found at ${bin}. Build it first (cargo build) or set ANTEROOM_BIN.`,
    );
  }
  const dataDir = await mkdtemp(path.join(tmpdir(), 'anteroom-test-'));
  const args = ['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir, ...extraArgs];
  const child = spawn(bin, args, {
    env: { ...process.env, ANTEROOM_API_KEY: apiKey, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);

  const logs = { stdout: '', stderr: '' };
  const keep = (name, chunk) => {
    logs[name] += chunk;
    if (logs[name].length > 200_000) logs[name] = logs[name].slice(-100_000);
  };
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c) => keep('stderr', c));
  child.stdout.setEncoding('utf8');

  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      live.delete(child);
      resolve(exited);
    });
  });

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (!exited) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 5_000);
      await exitPromise;
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  let ready;
  try {
    ready = await new Promise((resolve, reject) => {
      let buf = '';
      const timer = setTimeout(
        () => reject(new Error(`anteroom printed no ready line within ${readyTimeoutMs} ms`)),
        readyTimeoutMs,
      );
      child.stdout.on('data', (chunk) => {
        keep('stdout', chunk);
        if (ready) return;
        buf += chunk;
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).replace(/\r$/, '');
          buf = buf.slice(nl + 1);
          const fields = parseReadyLine(line);
          if (fields) {
            clearTimeout(timer);
            resolve(fields);
            return;
          }
        }
      });
      child.once('error', (err) => { clearTimeout(timer); reject(err); });
      exitPromise.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`anteroom exited before ready (code ${code}, signal ${signal})`));
      });
    });
  } catch (err) {
    await stop();
    err.message += `\n--- anteroom ${args.join(' ')}\n--- stdout:\n${logs.stdout.slice(-4000)}\n--- stderr:\n${logs.stderr.slice(-4000)}`;
    throw err;
  }
  if (!ready.api || !ready.app) {
    await stop();
    throw new Error(`ready line lacks api= or app=: ${JSON.stringify(ready)}`);
  }

  const strip = (u) => u.replace(/\/+$/, '');
  return {
    apiUrl: strip(ready.api),
    appUrl: strip(ready.app),
    udp: ready.udp ?? null,
    ready,
    apiKey,
    dataDir,
    pid: child.pid,
    process: child,
    logs,
    get exited() { return exited; },
    stop,
  };
}
