/** @jsxImportSource hono/jsx */
// The pages people use: search (results of a query, or the latest papers), a paper's page (details, BibTeX,
// related papers, the way back to the results) and "For you" (recommendations from the papers saved in the browser).
import type { Paper } from '../../catalogue/types.js';
import type { Hit } from '../../search/types.js';
import type { ParsedQuery, SearchAnswer } from './api.js';
import { Layout, emptyForm, searchParams, type FormOptions, type FormState } from './layout.js';
import { Actions, Authors, HitCard, Links, Tags, Titles } from './hit.js';
import { bibtex } from './bibtex.js';
import { Facets } from './facets.js';

/** A hit with the catalogue record behind it (date, BibTeX). */
export interface Card {
  hit: Hit;
  paper: Paper | undefined;
}

export function SearchPage(props: { form: FormState; options: FormOptions; res?: SearchAnswer; cards: Card[]; limit: number; offset: number; error?: string }) {
  const { res, form } = props;
  return (
    <Layout title={form.q ? `${form.q} · papersift` : 'papersift'} form={form} options={props.options}>
      {form.q ? (
        <h1 class="page-title">
          搜索结果 Results for <q>{form.q}</q>
        </h1>
      ) : (
        <h1 class="page-title">最新论文 Latest papers</h1>
      )}
      {props.error && <div class="notice error">{props.error}</div>}
      {res && <ResultList res={res} cards={props.cards} form={form} limit={props.limit} offset={props.offset} />}
      {!res && !props.error && (
        <>
          <p class="meta">
            Type a query above (Chinese or English), or press “/”. Try <code>au:"Hangbo Bao"</code>, <code>ti:transformer</code>, <code>cat:CV</code>,{' '}
            <code>year:2021-2023</code>, <code>"exact phrase"</code>, <code>-exclude</code>.
          </p>
          <p class="meta" id="since-hint" hidden></p>
          {props.cards.map((c) => (
            <HitCard hit={c.hit} paper={c.paper} />
          ))}
        </>
      )}
    </Layout>
  );
}

function ResultList({ res, cards, form, limit, offset }: { res: SearchAnswer; cards: Card[]; form: FormState; limit: number; offset: number }) {
  const back = searchParams(form, offset).toString();
  return (
    <>
      <div class="meta" id="summary">
        {res.total}
        {res.totalCapped ? '+' : ''} 篇 results · {res.mode} · {form.sort === 'date' ? '按日期 by date' : '按相关度 by relevance'} · {res.tookMs.toFixed(1)} ms · embedder{' '}
        {res.embedder}
      </div>
      {res.parsed && <Parsed parsed={res.parsed} />}
      <Facets res={res} form={form} />
      {form.since ? (
        <div class="meta since">
          只看 {form.since} 之后的新论文 only papers new since {form.since} · <a href={`/?${searchParams({ ...form, since: undefined }).toString()}`}>全部 show all</a>
        </div>
      ) : (
        <div class="meta since" id="since-offer" hidden></div>
      )}
      {res.lowConfidence && res.results.length > 0 && (
        <div class="notice">这些结果匹配度较低 — these results are only weak matches; try other words.</div>
      )}
      {res.results.length === 0 && <div class="notice">没有找到 — nothing matched. Try fewer filters or other words.</div>}
      <div id="results">
        {cards.map((c) => (
          <HitCard hit={c.hit} paper={c.paper} back={back} />
        ))}
      </div>
      <Pager form={form} total={res.total} capped={res.totalCapped === true} limit={limit} offset={offset} />
    </>
  );
}

/** How the API read the query syntax (au:, ti:, cat:, year:, "phrase", -exclude), when it says. */
function Parsed({ parsed }: { parsed: ParsedQuery }) {
  const parts: [string, string[] | undefined][] = [
    ['作者 author', parsed.authors],
    ['标题 title', parsed.title],
    ['类别 category', parsed.categories],
    ['年份 year', parsed.years],
    ['短语 phrase', parsed.phrases?.map((p) => `"${p}"`)],
    ['排除 exclude', parsed.exclude],
  ];
  const shown = parts.filter(([, v]) => v?.length);
  if (!shown.length) return null;
  return (
    <div class="meta parsed" id="parsed">
      {parsed.text ? <span>text: {parsed.text}</span> : null}
      {shown.map(([label, v]) => (
        <span>
          {label}: {v!.join(', ')}
        </span>
      ))}
    </div>
  );
}

function Pager({ form, total, capped, limit, offset }: { form: FormState; total: number; capped: boolean; limit: number; offset: number }) {
  if (total <= limit && offset === 0) return null;
  const pages = Math.max(1, Math.ceil(total / limit));
  const current = Math.floor(offset / limit) + 1;
  const href = (o: number) => `/?${searchParams(form, o).toString()}`;
  return (
    <nav class="pager" aria-label="pages">
      <span>{offset > 0 && <a href={href(Math.max(0, offset - limit))} rel="prev">← 上一页 previous</a>}</span>
      <span id="page-of">
        第 {current} / {pages}
        {capped ? '+' : ''} 页 · {offset + 1}–{Math.min(offset + limit, total)} of {total}
      </span>
      <span>{offset + limit < total && <a href={href(offset + limit)} rel="next">下一页 next →</a>}</span>
    </nav>
  );
}

export function PaperPage(props: { paper: Paper; related: Card[]; options: FormOptions; form: FormState; back?: string }) {
  const p = props.paper;
  return (
    <Layout title={`${p.title.zh ?? p.title.en ?? p.id} · papersift`} form={props.form} options={props.options}>
      {props.back && (
        <nav class="back" aria-label="back">
          <a href={`/?${props.back}`} id="back-to-results">
            ← 返回结果 back to the results for <q>{props.form.q}</q>
          </a>
        </nav>
      )}
      <article class="paper" data-id={p.id}>
        <Titles title={p.title} level={1} />
        <Authors authors={p.authors} />
        {p.affiliations.length > 0 && <div class="authors affil">{p.affiliations.join('; ')}</div>}
        <Tags date={p.date} categories={p.categories} sources={p.sources} />
        <div class="meta">{p.id}</div>
        <Links paper={p} />
        <Actions paper={p} />
        {p.summary.zh && (
          <section lang="zh">
            <h2>摘要</h2>
            <div class="summary">{p.summary.zh}</div>
          </section>
        )}
        {p.summary.en && (
          <section lang="en">
            <h2>Abstract</h2>
            <div class="summary">{p.summary.en}</div>
          </section>
        )}
        <section>
          <h2>BibTeX</h2>
          <pre id="bibtex">{bibtex(p)}</pre>
        </section>
        <section>
          <h2>来源 Sources</h2>
          <ul>
            {p.sources.map((s) => (
              <li>
                {s.documentTitle ?? s.document}
                {s.section ? ` · ${s.section}` : ''} · #{s.position} ({s.document}:{s.line})
              </li>
            ))}
          </ul>
        </section>
        <h2 id="related">相关论文 Related papers</h2>
        <div id="related-list">
          {props.related.length ? (
            props.related.map((c) => <HitCard hit={c.hit} paper={c.paper} level={3} />)
          ) : (
            <div class="notice">No related papers in the index.</div>
          )}
        </div>
      </article>
    </Layout>
  );
}

/**
 * "For you": the saved and dismissed papers live in the browser, so the client script fills this page: it posts
 * them to /feed, which answers the recommendation cards (FeedCards), and lists the saved papers and searches.
 */
export function FeedPage(props: { options: FormOptions }) {
  return (
    <Layout title="为你推荐 For you · papersift" form={emptyForm} options={props.options}>
      <h1 class="page-title">为你推荐 For you</h1>
      <p class="meta">
        Built from the papers you saved (☆) and dismissed (✕) on this browser; papers you saved, dismissed or opened are left out. Nothing leaves this
        browser except the paper ids sent to <code>/api/recommend</code>.
      </p>
      <div id="feed" aria-live="polite">
        <noscript>
          <div class="notice">This page needs JavaScript: your saved papers are kept in the browser.</div>
        </noscript>
      </div>
      <section class="side">
        <h2>收藏 Saved papers</h2>
        <ul id="saved-list"></ul>
        <h2>上次访问后的新论文 New since your last visit</h2>
        <ul id="since-list"></ul>
      </section>
    </Layout>
  );
}

/** The recommendation cards the feed page asks for (an HTML fragment), or why there are none. */
export function FeedCards(props: { cards: Card[]; error?: string }) {
  if (props.error) return <div class="notice error">{props.error}</div>;
  if (!props.cards.length) return <div class="notice">没有推荐 — no recommendations: everything close to your saved papers is already saved, dismissed or read.</div>;
  return (
    <div id="feed-results">
      <h2>推荐 Recommended</h2>
      {props.cards.map((c) => (
        <HitCard hit={c.hit} paper={c.paper} level={3} />
      ))}
    </div>
  );
}

export function MessagePage(props: { title: string; message: string; options?: FormOptions; refreshSeconds?: number }) {
  return (
    <Layout
      title={`${props.title} · papersift`}
      form={emptyForm}
      options={props.options ?? { categories: [], sources: [] }}
      {...(props.refreshSeconds ? { refreshSeconds: props.refreshSeconds } : {})}
    >
      <h1 class="page-title">{props.title}</h1>
      <div class="notice error">{props.message}</div>
    </Layout>
  );
}
