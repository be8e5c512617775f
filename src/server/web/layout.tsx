/** @jsxImportSource hono/jsx */
// The page frame shared by the search page, the paper view and errors: header with the search form, footer.
import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import { css } from './styles.js';
import { clientJs } from './client.js';

export interface FormState {
  q: string;
  mode: 'hybrid' | 'semantic' | 'lexical';
  category?: string | undefined;
  source?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export interface FormOptions {
  categories: string[];
  sources: string[];
}

const modeLabels = { hybrid: '混合 hybrid', semantic: '语义 semantic', lexical: '关键词 lexical' } as const;

export function Layout(props: { title: string; form: FormState; options: FormOptions; refreshSeconds?: number; children?: Child }) {
  return (
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
        {props.refreshSeconds ? <meta http-equiv="refresh" content={String(props.refreshSeconds)} /> : null}
        <style>{raw(css)}</style>
      </head>
      <body>
        <header>
          <div class="wrap">
            <a class="brand" href="/">
              papersift<small>论文语义搜索 · paper search</small>
            </a>
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
        <input type="search" name="q" value={form.q} placeholder="搜索论文：中文或英文，例如 少样本学习 / contrastive learning / 2209.11055" aria-label="query" autofocus={!form.q} />
        <button type="submit">
          搜索 Search<span class="spin">…</span>
        </button>
      </div>
      <div class="controls">
        <span class="modes" role="radiogroup" aria-label="mode">
          {(['hybrid', 'semantic', 'lexical'] as const).map((m) => (
            <label>
              <input type="radio" name="mode" value={m} checked={form.mode === m} />
              {modeLabels[m]}
            </label>
          ))}
        </span>
        <Select name="category" label="类别 category" value={form.category} values={options.categories} />
        <Select name="source" label="来源 source" value={form.source} values={options.sources} />
        <label>
          从 from <input type="month" name="from" value={form.from?.slice(0, 7) ?? ''} />
        </label>
        <label>
          到 to <input type="month" name="to" value={form.to?.slice(0, 7) ?? ''} />
        </label>
      </div>
    </form>
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
