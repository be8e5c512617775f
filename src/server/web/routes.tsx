/** @jsxImportSource hono/jsx */
// The web pages: GET / (search, or the latest papers without a query), GET /paper/:id (details, BibTeX, related),
// GET /feed ("For you") and POST /feed (its recommendation cards). Searches and recommendations go through the
// JSON API in-process (./api.ts); the pinned snapshot supplies the catalogue records behind the hits.
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { html } from 'hono/html';
import type { JSX } from 'hono/jsx/jsx-runtime';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Paper } from '../../catalogue/types.js';
import type { Hit } from '../../search/types.js';
import { paperHit } from '../../search/hits.js';
import type { AppEnv, RouteContext } from '../context.js';
import { filtersFromQuery } from '../context.js';
import { ApiError } from '../errors.js';
import { describeIssues } from '../schemas.js';
import { limitBody } from '../routes/body.js';
import type { Snapshot } from '../state.js';
import { apiRecommend, apiSearch } from './api.js';
import { searchParams, type FormOptions, type FormState } from './layout.js';
import { FeedCards, FeedPage, MessagePage, PaperPage, SearchPage, type Card } from './pages.js';

const PAGE_SIZE = 10;
const BROWSE_SIZE = 20;
const FACETS = 'category,source,year';

/** Sends a full HTML document (with its doctype, so browsers use standards mode). */
function page(c: Context<AppEnv>, body: JSX.Element, status: 200 | 400 | 404 | 429 | 503 = 200) {
  return c.html(html`<!doctype html>${body}`, status);
}

function formOptions(snap: Snapshot): FormOptions {
  const counts = snap.papers.categoryCounts();
  return {
    categories: Object.keys(counts).sort((a, b) => counts[b]! - counts[a]! || a.localeCompare(b)),
    sources: ['weekly', 'daily', ...snap.papers.documentNames()],
  };
}

/** The search a URL asks for; values the API would refuse are passed on, so its 400 names them. */
function formFromQuery(raw: Record<string, string>): FormState {
  return {
    q: (raw.q ?? '').trim(),
    mode: raw.mode === 'semantic' || raw.mode === 'lexical' ? raw.mode : 'hybrid',
    sort: raw.sort === 'date' ? 'date' : 'relevance',
    category: raw.category || undefined,
    source: raw.source || undefined,
    from: raw.from || undefined,
    to: raw.to || undefined,
    since: raw.since || undefined,
    limit: raw.limit || undefined,
  };
}

function offsetFromQuery(raw: Record<string, string>): number {
  const n = Number(raw.offset ?? 0);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

const cardsOf = (snap: Snapshot, hits: Hit[]): Card[] => hits.map((hit) => ({ hit, paper: snap.papers.resolve(hit.id) }));

function notReadyPage(c: Context<AppEnv>, ctx: RouteContext) {
  c.header('Retry-After', String(ctx.retryAfterSeconds));
  // the reason /health gives can name server paths (the sources being built from): not for a public page
  const message = 'The search index is being built or loaded. This page reloads itself until it is ready.';
  return page(c, <MessagePage title="索引尚未就绪 Index not ready" message={message} refreshSeconds={ctx.retryAfterSeconds} />, 503);
}

/**
 * A page refused by the cap on expensive requests (its own work, or the API call it makes): HTML with the API's
 * reason and Retry-After, reloading itself then, as the not-ready page does.
 */
function busyPage(c: Context<AppEnv>, reason: string, retryAfterSeconds: number) {
  c.header('Retry-After', String(retryAfterSeconds));
  const message = `${reason.charAt(0).toUpperCase()}${reason.slice(1)}. This page reloads itself in ${retryAfterSeconds} s.`;
  return page(c, <MessagePage title="服务繁忙 Server busy" message={message} refreshSeconds={retryAfterSeconds} />, 429);
}

export function registerWeb(app: OpenAPIHono<AppEnv>, ctx: RouteContext): void {
  // a paper page lists the paper's related papers, the work GET /api/papers/{id}/related is capped for
  app.use('/paper/*', ctx.expensive.guard('a paper page', undefined, busyPage));

  app.get('/', async (c) => {
    const snap = c.get('lease')?.snapshot;
    if (!snap) return notReadyPage(c, ctx);
    const options = formOptions(snap);
    const raw = c.req.query();
    const form = formFromQuery(raw);
    const offset = offsetFromQuery(raw);
    const showError = (message: string) => page(c, <SearchPage form={form} options={options} cards={[]} error={message} limit={PAGE_SIZE} offset={0} />, 400);
    if (!form.q) {
      const parsed = ctx.schemas.BrowseQuery.safeParse(dropEmpty(raw));
      if (!parsed.success) return showError(describeIssues('parameter', parsed.error.issues));
      try {
        const browse = snap.papers.browse(filtersFromQuery(parsed.data)).slice(0, BROWSE_SIZE);
        return page(c, <SearchPage form={form} options={options} cards={browse.map((p) => ({ hit: asHit(p), paper: p }))} limit={BROWSE_SIZE} offset={0} />);
      } catch (err) {
        if (err instanceof ApiError && err.status === 400) return showError(err.message);
        throw err;
      }
    }
    // the URL's own parameters go to the API as they are, so it refuses what it would refuse from anyone
    const params = new URLSearchParams({ limit: String(PAGE_SIZE), facets: FACETS, ...dropEmpty(raw) });
    const limit = Number(params.get('limit'));
    const res = await apiSearch(app, params);
    if (!res.ok) {
      if (res.status === 400) return showError(res.message);
      if (res.status === 503) return notReadyPage(c, ctx);
      if (res.status === 429) return busyPage(c, res.message, res.retryAfter ?? 1);
      throw new Error(`GET /api/search answered ${res.status}: ${res.message}`);
    }
    return page(c, <SearchPage form={form} options={options} res={res.body} cards={cardsOf(snap, res.body.results)} limit={limit} offset={offset} />);
  });

  app.get('/paper/:id{.+}', async (c) => {
    const snap = c.get('lease')?.snapshot;
    if (!snap) return notReadyPage(c, ctx);
    const ref = c.req.param('id');
    const paper = snap.papers.resolve(ref);
    if (!paper) return page(c, <MessagePage title="未找到 Not found" message={`no paper "${ref}" in the catalogue`} options={formOptions(snap)} />, 404);
    const raw = c.req.query();
    const form = formFromQuery(raw);
    const back = form.q ? searchParams(form, offsetFromQuery(raw)).toString() : undefined;
    const related = await snap.engine.related(paper.id, { limit: 8 });
    return page(c, <PaperPage paper={paper} related={cardsOf(snap, related?.results ?? [])} options={formOptions(snap)} form={form} {...(back ? { back } : {})} />);
  });

  app.get('/feed', (c) => {
    const snap = c.get('lease')?.snapshot;
    if (!snap) return notReadyPage(c, ctx);
    return page(c, <FeedPage options={formOptions(snap)} />);
  });

  // the feed page's script posts a /api/recommend body built from the browser's saved papers
  app.post('/feed', limitBody(ctx.maxBodyBytes), async (c) => {
    const snap = c.get('lease')?.snapshot;
    if (!snap) return c.html(<FeedCards cards={[]} error="The search index is not ready yet; reload in a moment." />, 503);
    const res = await apiRecommend(app, await c.req.text());
    if (!res.ok) {
      if (res.retryAfter !== undefined) c.header('Retry-After', String(res.retryAfter));
      return c.html(<FeedCards cards={[]} error={res.message} />, res.status as ContentfulStatusCode);
    }
    return c.html(<FeedCards cards={cardsOf(snap, res.body.results)} />);
  });
}

function dropEmpty(q: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(q).filter(([, v]) => v !== ''));
}

/** Browsing shows catalogue papers with the same card as search hits (no score, no snippet). */
function asHit(p: Paper): Hit {
  return paperHit(p, 0, false, { matchedTerms: [], snippets: {} });
}
