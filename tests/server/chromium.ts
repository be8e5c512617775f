// Debian's Chromium driven by playwright-core, for the page tests, and a seeded service on a real listener for it
// to load. Runs wherever /usr/bin/chromium exists and always in CI (where .ci/run installs it); elsewhere the
// tests are skipped with a message saying how to enable them.
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser } from 'playwright-core';
import { seededService, type Service } from './fixture.js';

export const CHROMIUM = '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM);
if (!chromiumAvailable && process.env.CI) throw new Error(`${CHROMIUM} is missing in CI: .ci/run must install Debian's chromium`);
if (!chromiumAvailable) console.warn(`[browser test skipped] ${CHROMIUM} not found; install it with: apt-get install -y --no-install-recommends chromium`);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface ServedSite {
  service: Service;
  base: string;
  close(): Promise<void>;
}

/** The seeded service on 127.0.0.1 and a free port. */
export async function serveSeeded(): Promise<ServedSite> {
  const service = await seededService();
  const server = await new Promise<ServerType>((resolve) => {
    const srv = serve({ fetch: service.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(srv));
  });
  return {
    service,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      await new Promise((r) => server.close(r));
      await service.close();
    },
  };
}
