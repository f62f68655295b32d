// Server CPU% and RSS during a 1:1 and a 4-person meeting in headless
// Chromium (~10 s each), sampled from /proc/<pid>/stat and /proc/<pid>/status.
// Not part of `npm test`. Run: node bench/resources.mjs   (from tests/node)

import fs from 'node:fs';

import { apiFetch } from '../lib/api.mjs';
import { startServer } from '../lib/server.mjs';
import { launch, openTrackedPage, pollUntil, inbound, waitForState } from '../ui/helpers.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS || 10);
const HZ = 100; // USER_HZ on Linux

function cpuTicks(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

function rssKb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

async function sample(pid, seconds) {
  const cpu = [];
  const rss = [];
  let ticks = cpuTicks(pid);
  let at = process.hrtime.bigint();
  for (let i = 0; i < seconds; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const t = cpuTicks(pid);
    const now = process.hrtime.bigint();
    cpu.push(((t - ticks) / HZ) / (Number(now - at) / 1e9) * 100);
    rss.push(rssKb(pid) / 1024);
    ticks = t;
    at = now;
  }
  const avg = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return { cpuAvg: avg(cpu), cpuMax: Math.max(...cpu), rssAvg: avg(rss), rssMax: Math.max(...rss) };
}

async function meeting(server, browser, people) {
  const res = await apiFetch(server, '/rooms', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: `Bench ${people}`, user: { name: 'P0' } }),
  });
  const room = res.json;
  const pages = [];
  for (let i = 0; i < people; i++) {
    const page = await openTrackedPage(browser);
    await page.goto(i === 0 ? room.links.gui : room.links.guest_join);
    await waitForState(page, 'lobby', 25_000);
    if (i > 0) await page.fill('#lobby-name', `P${i}`);
    await page.click('#lobby-submit');
    await waitForState(page, 'meeting', 25_000);
    pages.push(page);
  }
  for (const [i, page] of pages.entries()) {
    try {
      await pollUntil(async () => (await inbound(page)).video.streams >= people - 1, { timeout: 30_000, what: 'all videos' });
    } catch (error) {
      console.error(`P${i} of ${people}:`, JSON.stringify(await inbound(page)));
      throw error;
    }
  }
  return pages;
}

const server = await startServer();
const browser = await launch();
try {
  const idle = await sample(server.pid, 3);
  const rows = [['idle', idle]];
  for (const people of [2, 4]) {
    const pages = await meeting(server, browser, people);
    rows.push([people === 2 ? '1:1' : `${people} people`, await sample(server.pid, SECONDS)]);
    for (const page of pages) await page.context().close();
    await new Promise((r) => setTimeout(r, 1000));
  }
  console.log('meeting      server CPU% avg / max   RSS MiB avg / max');
  for (const [name, s] of rows) {
    console.log(`${name.padEnd(12)} ${s.cpuAvg.toFixed(1).padStart(6)} / ${s.cpuMax.toFixed(1).padStart(6)}     ${s.rssAvg.toFixed(1).padStart(6)} / ${s.rssMax.toFixed(1).padStart(6)}`);
  }
} finally {
  await browser.close();
  await server.stop();
}
