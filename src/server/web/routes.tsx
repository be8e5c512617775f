/** @jsxImportSource hono/jsx */
// The web pages: GET / (search, or the latest papers without a query) and GET /paper/:id (details + related).
// Server-rendered from the pinned snapshot, validated by the same schema as the JSON API.
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { html } from 'hono/html';
import type { JSX } from 'hono/jsx/jsx-runtime';
import type { AppEnv, RouteContext } from '../context.js';
import { filtersFromQuery } from '../context.js';
import { ApiError } from '../errors.js';
import { describeIssues } from '../schemas.js';
import { SearchInputError } from '../../search/errors.js';
import type { Snapshot } from '../state.js';
import type { FormOptions, FormState } from './layout.js';
import { MessagePage, PaperPage, SearchPage } from './pages.js';

/** Sends a full HTML document (with its doctype, so browsers use standards mode). */
function page(c: Context<AppEnv>, body: JSX.Element, status: 200 | 400 | 404 | 503 = 200) {
  return c.html(html`<!doctype html>${body}`, status);
}

function formOptions(snap: Snapshot): FormOptions {
  const counts = snap.papers.categoryCounts();
  return {
    categories: Object.keys(counts).sort((a, b) => counts[b]! - counts[a]! || a.localeCompare(b)),
    sources: ['weekly', 'daily', ...snap.papers.documentNames()],
  };
}

function notReadyPage(c: Context<AppEnv>, ctx: RouteContext) {
  const s = ctx.state.status();
  c.header('Retry-After', String(ctx.retryAfterSeconds));
  return page(c, <MessagePage title="索引尚未就绪 Index not ready" message={`${s.ready ? '' : s.reason}. This page reloads itself until the index is ready.`} refreshSeconds={ctx.retryAfterSeconds} />, 503);
}

export function registerWeb(app: OpenAPIHono<AppEnv>, ctx: RouteContext): void {
  app.get('/', async (c) => {
    const snap = c.get('lease')?.snapshot;
    if (!snap) return notReadyPage(c, ctx);
    const options = formOptions(snap);
    const raw = c.req.query();
    const form: FormState = {
      q: (raw.q ?? '').trim(),
      mode: raw.mode === 'semantic' || raw.mode === 'lexical' ? raw.mode : 'hybrid',
      category: raw.category || undefined,
      source: raw.source || undefined,
      from: raw.from || undefined,
      to: raw.to || undefined,
    };
    const showError = (message: string) => page(c, <SearchPage form={form} options={options} error={message} limit={10} offset={0} />, 400);
    try {
      if (!form.q) {
        const parsed = ctx.schemas.BrowseQuery.safeParse(dropEmpty(raw));
        if (!parsed.success) return showError(describeIssues('parameter', parsed.error.issues));
        const browse = snap.papers.browse(filtersFromQuery(parsed.data)).slice(0, 20);
        return page(c, <SearchPage form={form} options={options} browse={browse} limit={20} offset={0} />);
      }
      const parsed = ctx.schemas.SearchQuery.safeParse({ ...dropEmpty(raw), q: form.q });
      if (!parsed.success) return showError(describeIssues('parameter', parsed.error.issues));
      const q = parsed.data;
      const res = await snap.engine.search({ q: q.q, mode: q.mode, limit: q.limit, offset: q.offset, filters: filtersFromQuery(q) });
      return page(c, <SearchPage form={form} options={options} res={res} limit={q.limit} offset={q.offset} />);
    } catch (err) {
      // bad input shows on the page, like the API's 400s; anything else is a real failure
      if (err instanceof ApiError && err.status === 400) return showError(err.message);
      if (err instanceof SearchInputError) return showError(err.message);
      throw err;
    }
  });

  app.get('/paper/:id{.+}', async (c) => {
    const snap = c.get('lease')?.snapshot;
    if (!snap) return notReadyPage(c, ctx);
    const ref = c.req.param('id');
    const paper = snap.papers.resolve(ref);
    if (!paper) return page(c, <MessagePage title="未找到 Not found" message={`no paper "${ref}" in the catalogue`} options={formOptions(snap)} />, 404);
    const related = await snap.engine.related(paper.id, { limit: 8 });
    return page(c, <PaperPage paper={paper} related={related?.results ?? []} options={formOptions(snap)} />);
  });
}

function dropEmpty(q: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(q).filter(([, v]) => v !== ''));
}
