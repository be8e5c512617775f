// The web page in a real headless Chromium (Debian's, driven by playwright-core): type a Chinese query, see
// results with both titles and highlighted snippets, switch the mode, follow a "related" link to a paper page.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumAvailable, chromiumOnSeededSite } from './chromium.js';

describe.skipIf(!chromiumAvailable)('the search page in Chromium', () => {
  const site = chromiumOnSeededSite();
  let base: string;
  let page: Page;

  beforeAll(async () => {
    base = site.base;
    page = await site.browser.newPage();
    page.setDefaultTimeout(15_000);
  });

  it('searches in Chinese, shows both titles and highlights, and follows a related link', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/`);
    await expect(page.locator('input[name=q]')).toBeTruthy();
    expect(await page.locator('.hit').count()).toBeGreaterThan(0); // the latest papers before any query

    await page.locator('input[name=q]').fill('少样本学习');
    await page.keyboard.press('Enter');
    await page.waitForURL(/q=/);
    await page.locator('#results .hit').first().waitFor();

    const hits = page.locator('#results .hit');
    expect(await hits.count()).toBeGreaterThan(0);
    const ids = await hits.evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
    expect(ids.some((id) => id === 'arxiv:2209.11055' || id === 'arxiv:2201.04182')).toBe(true);
    const first = hits.first();
    expect((await first.locator('h2 > a').innerText()).length).toBeGreaterThan(0); // Chinese title
    expect((await first.locator('.title-en').innerText()).length).toBeGreaterThan(0); // English title
    expect(await page.locator('#results mark').count()).toBeGreaterThan(0); // highlighted terms
    expect(await first.locator('.why').innerText()).toMatch(/score/);
    expect(await page.locator('#summary').innerText()).toContain('hybrid');

    // the mode switch re-runs the search at once (a little client JS)
    await page.locator('.modes label', { hasText: 'lexical' }).click();
    await page.waitForURL(/mode=lexical/);
    expect(await page.locator('#summary').innerText()).toContain('lexical');

    // follow "related" of the first hit to its paper page
    const target = await page.locator('#results .hit').first().getAttribute('data-id');
    await page.locator('#results .hit').first().locator('a.related').click();
    await page.waitForURL(/\/paper\//);
    expect(await page.locator('article.paper').getAttribute('data-id')).toBe(target);
    expect(await page.locator('#related').isVisible()).toBe(true);
    const related = page.locator('#related-list .hit');
    expect(await related.count()).toBeGreaterThan(0);
    const relatedIds = await related.evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
    expect(relatedIds).not.toContain(target);
    expect(errors).toEqual([]);
  });

  it('filters by category from the form', async () => {
    await page.goto(`${base}/?q=${encodeURIComponent('learning')}`);
    await page.locator('select[name=category]').selectOption('CV');
    await page.waitForURL(/category=CV/);
    const tags = await page.locator('#results .hit').evaluateAll((els) =>
      els.map((e) => Array.from(e.querySelectorAll('.tag:not(.src)')).map((t) => t.textContent)),
    );
    expect(tags.length).toBeGreaterThan(0);
    for (const t of tags) expect(t).toContain('CV');
  });
});
