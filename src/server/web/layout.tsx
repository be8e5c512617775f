/** @jsxImportSource hono/jsx */
// The page frame shared by every page: header with the search form and the "For you" link, footer.
import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import { css } from './styles.js';
import { clientJs } from './client.js';

/** What a search page was asked for: the form's fields, carried to paper pages and back. */
export interface FormState {
  q: string;
  mode: 'hybrid' | 'semantic' | 'lexical';
  sort: 'relevance' | 'date';
  category?: string | undefined;
  source?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  since?: string | undefined;
  limit?: string | undefined; // page size, when the URL sets one
}

export interface FormOptions {
  categories: string[];
  sources: string[];
}

export const emptyForm: FormState = { q: '', mode: 'hybrid', sort: 'relevance' };

/** The URL query of a search (defaults left out, so links stay short and shareable). */
export function searchParams(form: FormState, offset = 0): URLSearchParams {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) {
    if (v && !(k === 'mode' && v === 'hybrid') && !(k === 'sort' && v === 'relevance')) u.set(k, String(v));
  }
  if (offset) u.set('offset', String(offset));
  return u;
}

const modeLabels = { hybrid: '混合 hybrid', semantic: '语义 semantic', lexical: '关键词 lexical' } as const;
const sortLabels = { relevance: '相关 relevance', date: '最新 date' } as const;

// a magnifier over a page, as an inline SVG: no request, and allowed by the pages' img-src policy
const FAVICON = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#2f5bd3"/><circle cx="14" cy="14" r="7" fill="none" stroke="#fff" stroke-width="3"/><path d="M19 19l7 7" stroke="#fff" stroke-width="3.5" stroke-linecap="round"/></svg>',
)}`;

export function Layout(props: { title: string; form: FormState; options: FormOptions; refreshSeconds?: number; children?: Child }) {
  return (
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>{props.title}</title>
        <link rel="icon" type="image/svg+xml" href={FAVICON} />
        {props.refreshSeconds ? <meta http-equiv="refresh" content={String(props.refreshSeconds)} /> : null}
        <style>{raw(css)}</style>
      </head>
      <body>
        <header>
          <div class="wrap">
            <div class="top">
              <a class="brand" href="/">
                papersift<small>论文语义搜索 · paper search</small>
              </a>
              <nav aria-label="site">
                <a href="/feed" id="feed-link">
                  为你推荐 For you<span class="count" id="saved-count"></span>
                </a>
              </nav>
            </div>
            <SearchForm form={props.form} options={props.options} />
          </div>
        </header>
        <main class="wrap">{props.children}</main>
        <footer>
          <a href="/docs">API reference</a> · <a href="/openapi.json">openapi.json</a> · <a href="/api/stats">stats</a>
        </footer>
        <script>{raw(clientJs)}</script>
      </body>
    </html>
  );
}

function SearchForm({ form, options }: { form: FormState; options: FormOptions }) {
  return (
    <form class="search" action="/" method="get" role="search">
      <div class="row">
        <input
          type="search"
          name="q"
          value={form.q}
          placeholder="中文或英文，例如 少样本学习 / contrastive learning / au:&quot;Hangbo Bao&quot;"
          aria-label="搜索 query"
          autofocus={!form.q}
        />
        <button type="submit">
          搜索 Search<span class="spin">…</span>
        </button>
      </div>
      <div class="controls">
        <Switch name="mode" label="mode" value={form.mode} labels={modeLabels} />
        <Switch name="sort" label="sort" value={form.sort} labels={sortLabels} />
        <Fold class="filters" summary="筛选 filters" active={Boolean(form.category || form.source || form.from || form.to)}>
          <Select name="category" label="类别 category" value={form.category} values={options.categories} />
          <Select name="source" label="来源 source" value={form.source} values={options.sources} />
          <label>
            从 from <input type="month" name="from" value={form.from?.slice(0, 7) ?? ''} />
          </label>
          <label>
            到 to <input type="month" name="to" value={form.to?.slice(0, 7) ?? ''} />
          </label>
        </Fold>
        {form.since && <input type="hidden" name="since" value={form.since} />}
        {form.limit && <input type="hidden" name="limit" value={form.limit} />}
      </div>
    </form>
  );
}

/**
 * A section that is open by default (and without the script); the client script folds it on a phone unless one
 * of its filters is in use, so the results start near the top of a small screen.
 */
export function Fold(props: { class: string; summary: string; active: boolean; children?: Child }) {
  return (
    <details class={`fold ${props.class}`} open data-active={props.active ? 'true' : undefined}>
      <summary>{props.summary}</summary>
      <div class="fold-body">{props.children}</div>
    </details>
  );
}

/** A segmented radio group (mode, sort): the client script submits on change. */
function Switch<T extends string>(props: { name: string; label: string; value: T; labels: Record<T, string> }) {
  return (
    <span class="modes" role="radiogroup" aria-label={props.label}>
      {(Object.keys(props.labels) as T[]).map((v) => (
        <label>
          <input type="radio" name={props.name} value={v} checked={props.value === v} />
          {props.labels[v]}
        </label>
      ))}
    </span>
  );
}

function Select(props: { name: string; label: string; value: string | undefined; values: string[] }) {
  return (
    <label>
      {props.label}{' '}
      <select name={props.name}>
        <option value="">全部 all</option>
        {props.values.map((v) => (
          <option value={v} selected={v === props.value}>
            {v}
          </option>
        ))}
      </select>
    </label>
  );
}
