// Debian's Chromium as every browser test launches it: fake camera and
// microphone, loopback allowed for WebRTC (flags from
// shared/notes/webrtc-on-these-machines.md), and the pairing of one server
// and one browser that most test files share.

import { chromium } from 'playwright-core';

import { startServer } from './server.mjs';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
  '--allow-loopback-in-peer-connection',
];

/** Chromium with the flags above and any `extraArgs`. */
export function launchChromium(extraArgs = []) {
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/** A fresh server (`startServer(serverOptions)`) and Chromium, for one test file. */
export async function startServerAndBrowser({ serverOptions, args } = {}) {
  const server = await startServer(serverOptions);
  return { server, browser: await launchChromium(args) };
}

/** Closes what `startServerAndBrowser` opened; either may be missing. */
export async function stopServerAndBrowser({ server, browser }) {
  await browser?.close();
  await server?.stop();
}
