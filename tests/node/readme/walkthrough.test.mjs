// The curl walkthrough in the README, run exactly as written against a real
// server, so the README cannot drift from what the server does.

import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { repoRoot, startServer } from '../lib/server.mjs';

const run = promisify(execFile);
let server;
let workdir;

before(async () => {
  server = await startServer();
  workdir = await mkdtemp(path.join(tmpdir(), 'anteroom-readme-'));
});

after(async () => {
  await server?.stop();
  if (workdir) await rm(workdir, { recursive: true, force: true });
});

/** The shell block between the walkthrough markers of the README. */
async function walkthrough() {
  const readme = await readFile(path.join(repoRoot, 'README.md'), 'utf8');
  const section = /<!-- walkthrough:start -->\s*```sh\n([\s\S]*?)```\s*<!-- walkthrough:end -->/.exec(readme);
  assert.ok(section, 'the README has a marked walkthrough block');
  return section[1];
}

it('the README walkthrough runs as written', { timeout: 60_000 }, async () => {
  const script = await walkthrough();
  const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script], {
    cwd: workdir,
    // The walkthrough moves into a `mktemp -d` folder; keep that inside ours.
    env: { ...process.env, KEY: server.apiKey, API: server.apiUrl, TMPDIR: workdir },
  });

  const [scratch] = await readdir(workdir);
  assert.ok(scratch, 'the walkthrough made its folder');
  const permalink = JSON.parse(await readFile(path.join(workdir, scratch, 'permalink.json'), 'utf8'));
  const host = JSON.parse(await readFile(path.join(workdir, scratch, 'host.json'), 'utf8'));
  assert.equal(permalink.room.name, 'Weekly sync');
  assert.equal(permalink.options.widescreen, true);
  assert.equal(host.room.id, permalink.permalink.id);
  assert.ok(stdout.includes(`"guest_join": "${server.appUrl}/permalink?guest=${permalink.permalink.guest_token}"`), stdout);
  assert.ok(stdout.includes('"started_at": null'), 'the guest saw the meeting not started');
  assert.ok(stdout.includes(`"started_at": "${host.room.started_at}"`), 'then saw it running');
  assert.ok(stdout.includes('"guest": true'), 'the guest registered');
  assert.match(stdout.trim().split('\n').at(-1), /^204$/, 'the meeting was stopped');
});
