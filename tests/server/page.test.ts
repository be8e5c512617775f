// The web page as a researcher uses it every day, in a real headless Chromium over the seeded service: cards
// with dates, categories, issues, arXiv links and author searches; the paper page with the query and the way
// back; copying BibTeX; saving papers and the "For you" feed; "/" and dark mode, a phone-sized screen, axe-core.
// The last block needs the search API contract of issue 13 (facets, sort, since, stable pages).
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { chromiumAvailable, chromiumOnSeededSite } from './chromium.js';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const q = encodeURIComponent;

describe.skipIf(!chromiumAvailable)('the page as a daily research tool', () => {
  const site = chromiumOnSeededSite();

  /** A fresh browser profile (empty localStorage) per test; page errors fail the test at the end. */
  async function open(options: BrowserContextOptions = {}): Promise<{ page: Page; errors: string[] }> {
    const ctx = await site.browser.newContext(options); // closed with the browser
    const page = await ctx.newPage();
    page.setDefaultTimeout(20_000);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    return { page, errors };
  }

  async function search(page: Page, query: string, extra = ''): Promise<void> {
    await page.goto(`${site.base}/?q=${q(query)}${extra}`);
    await page.locator('#summary').waitFor();
  }

  const resultIds = (page: Page) => page.locator('#results .hit').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')!));
  const shownTotal = async (page: Page) => Number(/^(\d+)/.exec(await page.locator('#summary').innerText())![1]);

  it('searches in English and in Chinese, with a heading and cards that carry date, category, issue, arXiv and PDF links', async () => {
    const { page, errors } = await open();
    await search(page, 'efficient few-shot learning without prompts');
    expect(await page.locator('h1').innerText()).toContain('efficient few-shot learning without prompts');
    const setfit = page.locator('#results .hit[data-id="arxiv:2209.11055"]');
    expect(await setfit.count()).toBe(1);
    expect(await setfit.locator('.tag.date').innerText()).toBe('2022-09');
    expect(await setfit.locator('a.tag:not(.src)').allInnerTexts()).toContain('CL');
    expect(await setfit.locator('a.tag.src').allInnerTexts()).toContain('daily-arxiv-2022-09.txt');
    const links = await setfit.locator('.links a').evaluateAll((els) => els.map((e) => [e.textContent, e.getAttribute('href')]));
    const arxiv = links.findIndex(([label]) => label === 'arXiv');
    expect(links[arxiv]).toEqual(['arXiv', 'https://arxiv.org/abs/2209.11055']);
    expect(links[arxiv + 1]).toEqual(['PDF', 'https://arxiv.org/pdf/2209.11055']); // the abstract right next to the PDF
    // every author is a link to a search for that author, in the query syntax
    const author = setfit.locator('.authors a').filter({ hasText: 'N Reimers' });
    expect(await author.getAttribute('href')).toBe(`/?q=${q('au:"N Reimers"').replace(/%20/g, '+')}`);

    await page.locator('input[name=q]').fill('少样本学习');
    await page.keyboard.press('Enter');
    await page.waitForURL(/q=%E5%B0%91/);
    expect(await page.locator('h1').innerText()).toContain('少样本学习');
    const ids = await resultIds(page);
    expect(ids.some((id) => id === 'arxiv:2209.11055' || id === 'arxiv:2201.04182')).toBe(true);
    // the weekly newsletter's papers name their issue as readers know it
    expect(await page.locator('#results a.tag.src').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringMatching(/^预训练周刊 第\d+期$/)]));
    expect(errors).toEqual([]);
  });

  it('keeps the query on the paper page with a way back, and copies the paper as BibTeX', async () => {
    const { page, errors } = await open();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.base });
    await search(page, 'few-shot', '&mode=lexical');
    const resultsUrl = page.url();
    await page.locator('#results .hit[data-id="arxiv:2209.11055"] h2 a').click();
    await page.waitForURL(/\/paper\//);
    expect(await page.locator('input[name=q]').inputValue()).toBe('few-shot');
    expect(await page.locator('input[name=mode][value=lexical]').isChecked()).toBe(true);
    expect(await page.locator('h1').count()).toBe(1);
    expect(await page.locator('article.paper h2').count()).toBeGreaterThan(1); // h1 -> h2, no skipped level

    const bib = await page.locator('#bibtex').innerText();
    expect(bib).toMatch(/^@misc\{tunstall2022efficient,\n/);
    for (const field of ['title = {Efficient Few-Shot Learning Without Prompts}', 'author = {Tunstall, L and Reimers, N and Jo, U E S', 'year = {2022}', 'eprint = {2209.11055}', 'archivePrefix = {arXiv}', 'primaryClass = {cs.CL}', 'url = {https://arxiv.org/abs/2209.11055}'])
      expect(bib).toContain(field);
    await page.locator('article.paper > .acts .bib').click();
    await page.locator('article.paper > .acts .act-status', { hasText: 'copied' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(bib);

    await page.locator('#back-to-results').click();
    await page.waitForURL(resultsUrl);
    expect(await page.locator('#results .hit').count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });

  it('saves two papers and builds a "For you" feed that leaves out the saved, dismissed and opened ones', async () => {
    const { page, errors } = await open();
    await search(page, 'contrastive learning');
    const cards = page.locator('#results .hit');
    const [a, b, c] = (await resultIds(page)).slice(0, 3);
    await cards.nth(0).locator('.act.save').click();
    await cards.nth(1).locator('.act.save').click();
    await cards.nth(2).locator('.act.dismiss').click();
    expect(await cards.nth(0).locator('.act.save').getAttribute('aria-pressed')).toBe('true');
    expect(await cards.nth(2).locator('.links').isVisible()).toBe(false); // a dismissed card folds to its title
    expect(await page.locator('#saved-count').innerText()).toBe(' (2)');
    await page.goto(`${site.base}/paper/${q('arxiv:2209.11055')}`); // opened, so "seen"

    const posted = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/feed'));
    await page.goto(`${site.base}/feed`);
    const body = JSON.parse((await posted).postData()!);
    expect(body.positive).toEqual([a, b]);
    expect(body.negative).toEqual([c]);
    expect(body.exclude).toEqual(expect.arrayContaining([a, b, c, 'arxiv:2209.11055']));
    expect(body.diversity).toBeGreaterThan(0);

    await page.locator('#feed-results').waitFor();
    const feed = await page.locator('#feed-results .hit').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')!));
    expect(feed.length).toBeGreaterThan(0);
    for (const id of [a, b, c, 'arxiv:2209.11055']) expect(feed).not.toContain(id);
    expect(await page.locator('#saved-list li a').count()).toBe(2);
    expect(await page.locator('h1').innerText()).toContain('For you');
    expect(errors).toEqual([]);
  });

  it('offers the papers new since the last visit; "/" focuses the box without typing a slash; the mode switch shows focus', async () => {
    const { page, errors } = await open();
    await page.addInitScript(() => {
      if (!localStorage.getItem('papersift.visits')) localStorage.setItem('papersift.visits', JSON.stringify({ last: '2024-01-02' }));
    });
    await search(page, 'pretraining');
    const link = page.locator('#since-link');
    expect(await link.getAttribute('href')).toMatch(/[?&]since=2024-01-02(&|$)/);
    await link.click();
    await page.waitForURL(/since=2024-01-02/);
    expect(await page.locator('.since').innerText()).toContain('2024-01-02');
    expect(await page.locator('input[name=since]').inputValue()).toBe('2024-01-02'); // kept when the form changes

    await page.locator('h1').click();
    await page.keyboard.press('/');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('q');
    expect(await page.locator('input[name=q]').inputValue()).toBe('pretraining');
    // on to the mode switch with the keyboard: its focused option shows a focus ring
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    const ring = await page.evaluate(() => {
      const el = document.activeElement as HTMLInputElement;
      return { name: el.name, outline: getComputedStyle(el.closest('label')!).outlineStyle };
    });
    expect(ring).toEqual({ name: 'mode', outline: 'solid' });

    await page.goto(`${site.base}/`); // the home page names the last visit and leads to the feed
    expect(await page.locator('#since-hint').innerText()).toContain('last visit: 2024-01-02');
    expect(await page.locator('#since-hint a').getAttribute('href')).toBe('/feed');
    expect(errors).toEqual([]);
  });

  const pages = {
    home: '/',
    results: `/?q=${q('预训练')}`,
    weak: `/?q=${q('banana bread recipe')}`, // only low-confidence hits (their cards were 3.59:1 contrast)
    paper: `/paper/${q('arxiv:2209.11055')}?q=few-shot`,
    feed: '/feed',
  };

  /** Saves two papers in this profile, so the feed page has recommendations to check. */
  async function withSavedPapers(page: Page): Promise<void> {
    await search(page, 'contrastive learning');
    for (const i of [0, 1]) await page.locator('#results .hit').nth(i).locator('.act.save').click();
  }

  async function load(page: Page, name: keyof typeof pages): Promise<void> {
    await page.goto(site.base + pages[name]);
    if (name === 'feed') await page.locator('#feed-results').waitFor();
  }

  it.each(['light', 'dark'] as const)('has no serious or critical axe-core violations on home, results, weak results, paper and feed (%s)', async (colorScheme) => {
    // the pages' CSP allows only their own script; axe is injected by the test
    const { page, errors } = await open({ bypassCSP: true, colorScheme });
    await withSavedPapers(page);
    for (const name of Object.keys(pages) as (keyof typeof pages)[]) {
      await load(page, name);
      await page.addScriptTag({ path: AXE });
      const violations = await page.evaluate(async () => {
        const r = await (window as any).axe.run(document, { resultTypes: ['violations'] });
        return r.violations
          .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
          .map((v: any) => `${v.id} (${v.impact}) x${v.nodes.length}: ${v.nodes[0].target.join(' ')} ${v.nodes[0].failureSummary}`);
      });
      expect(violations, name).toEqual([]);
    }
    expect(errors).toEqual([]);
  });

  it('renders dark on a 375 px phone without sideways scrolling, offline (no request leaves the site)', async () => {
    const { page, errors } = await open({ viewport: { width: 375, height: 800 }, colorScheme: 'dark' });
    const outside: string[] = [];
    page.on('request', (r) => !r.url().startsWith(site.base) && !r.url().startsWith('data:') && outside.push(r.url()));
    await withSavedPapers(page);
    for (const name of Object.keys(pages) as (keyof typeof pages)[]) {
      await load(page, name);
      const { scroll, bg } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, bg: getComputedStyle(document.body).backgroundColor }));
      expect(scroll, `${name}: page width at 375 px`).toBeLessThanOrEqual(375);
      const [r, g, b] = bg.match(/\d+/g)!.map(Number);
      expect(r! + g! + b!, `${name}: dark background (${bg})`).toBeLessThan(150);
      expect(await page.locator('link[rel=icon]').getAttribute('href'), name).toMatch(/^data:image\/svg\+xml,/);
    }
    expect(outside).toEqual([]);
    expect(errors).toEqual([]);
  });

  // These need the API half of issue 13 (branch trust-api): stable pages, facets, sort=date, since, au: queries.
  describe('with the search contract of issue 13', () => {
    it('pages through one ranking: disjoint pages and the same total on each', async () => {
      const { page } = await open();
      await search(page, '预训练', '&mode=semantic'); // the example: its total moved with the offset
      const total = await shownTotal(page);
      expect(total).toBeGreaterThan(20);
      const seen: string[] = [];
      for (let n = 1; ; n++) {
        expect(await shownTotal(page), `page ${n}`).toBe(total);
        expect(await page.locator('#page-of').innerText()).toContain(`第 ${n} /`);
        seen.push(...(await resultIds(page)));
        const next = page.locator('.pager a[rel=next]');
        if (!(await next.count())) break;
        await next.click();
        await page.waitForURL(new RegExp(`offset=${n * 10}`));
      }
      expect(new Set(seen).size).toBe(seen.length); // disjoint
      expect(seen.length).toBe(total); // and together exactly the ranking
    });

    it('filters by a facet value and finds as many papers as its count said', async () => {
      const { page } = await open();
      await search(page, 'learning');
      expect(await page.locator('.facet[data-facet=category]').count(), 'the category facet').toBe(1);
      const chip = page.locator('.facet[data-facet=category] .chip').first();
      const value = (await chip.getAttribute('data-value'))!;
      const count = Number(await chip.locator('.n').innerText());
      expect(count).toBeGreaterThan(0);
      await chip.click();
      await page.waitForURL(new RegExp(`category=${value}`));
      expect(await shownTotal(page)).toBe(count);
      const tags = await page.locator('#results .hit').evaluateAll((els) => els.map((e) => Array.from(e.querySelectorAll('a.tag:not(.src)')).map((t) => t.textContent)));
      for (const t of tags) expect(t).toContain(value);
      // disjunctive: the category facet ignores its own filter, so the chosen value's count stays
      const on = page.locator('.facet[data-facet=category] .chip.on');
      expect(await on.getAttribute('data-value')).toBe(value);
      expect(Number(await on.locator('.n').innerText())).toBe(count);
    });

    it('sorts by date from the switch: newest first, undated papers last', async () => {
      const { page } = await open();
      await search(page, 'learning');
      await page.locator('.modes label', { hasText: 'date' }).click();
      await page.waitForURL(/sort=date/);
      const dates = await page.locator('#results .hit').evaluateAll((els) => els.map((e) => e.querySelector('.tag.date')?.textContent ?? ''));
      expect(dates.filter(Boolean).length).toBeGreaterThan(1);
      const key = (d: string) => d || '0000'; // undated sort last
      expect(dates.map(key)).toEqual([...dates.map(key)].sort().reverse());
    });

    it('lists only papers first seen after "since", and an author link lists that author\'s papers', async () => {
      const { page } = await open();
      await search(page, 'learning');
      const all = await shownTotal(page);
      await search(page, 'learning', '&since=2000-01-01');
      expect(await shownTotal(page)).toBe(all);
      const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
      await search(page, 'learning', `&since=${tomorrow}`);
      expect(await shownTotal(page)).toBe(0);

      await search(page, 'efficient few-shot learning without prompts');
      await page.locator('#results .hit[data-id="arxiv:2209.11055"] .authors a', { hasText: 'N Reimers' }).click();
      await page.waitForURL(/q=au/);
      const authors = await page.locator('#results .hit .authors').allInnerTexts();
      expect(authors.length).toBeGreaterThan(0);
      for (const a of authors) expect(a).toMatch(/Reimers/);
      expect(await page.locator('#parsed').innerText()).toContain('Reimers');
    });
  });
});
