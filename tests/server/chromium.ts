// Debian's Chromium driven by playwright-core, for the page tests, and a seeded service on a real listener for it
// to load. Runs wherever /usr/bin/chromium exists and always in CI (where .ci/run installs it); elsewhere the
// tests are skipped with a message saying how to enable them.
import { existsSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
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

interface ServedSite {
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

/** For a describe block: the seeded site and a browser, started before its tests and closed after them. */
export function chromiumOnSeededSite(): { readonly base: string; readonly browser: Browser } {
  let site: ServedSite | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    site = await serveSeeded();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });
  return {
    get base() {
      return site!.base;
    },
    get browser() {
      return browser!;
    },
  };
}
