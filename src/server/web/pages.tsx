/** @jsxImportSource hono/jsx */
// The two pages people use: the search page (results of a query) and a paper's page (details + related).
import type { Paper } from '../../catalogue/types.js';
import type { Hit, SearchResponse } from '../../search/types.js';
import { paperHit } from '../../search/hits.js';
import { Layout, type FormOptions, type FormState } from './layout.js';
import { Authors, HitCard, Links, Tags, Titles } from './hit.js';

const emptyForm: FormState = { q: '', mode: 'hybrid' };

export function SearchPage(props: { form: FormState; options: FormOptions; res?: SearchResponse; limit: number; offset: number; error?: string; browse?: Paper[] }) {
  const { res, form } = props;
  return (
    <Layout title={form.q ? `${form.q} · papersift` : 'papersift'} form={form} options={props.options}>
      {props.error && <div class="notice error">{props.error}</div>}
      {res && <ResultList res={res} form={form} limit={props.limit} offset={props.offset} />}
      {!res && !props.error && props.browse && (
        <>
          <div class="meta">最新论文 latest papers — type a query above (Chinese or English), or press “/”.</div>
          {props.browse.map((p) => (
            <HitCard hit={asHit(p)} />
          ))}
        </>
      )}
    </Layout>
  );
}

function ResultList({ res, form, limit, offset }: { res: SearchResponse; form: FormState; limit: number; offset: number }) {
  const page = (o: number) => {
    const u = new URLSearchParams();
    for (const [k, v] of Object.entries(form)) if (v) u.set(k, String(v));
    if (o) u.set('offset', String(o));
    return `/?${u.toString()}`;
  };
  return (
    <>
      <div class="meta" id="summary">
        {res.total} 篇 results · {res.mode} · {res.tookMs.toFixed(1)} ms · embedder {res.embedder}
      </div>
      {res.lowConfidence && res.results.length > 0 && (
        <div class="notice">这些结果匹配度较低 — these results are only weak matches; try other words.</div>
      )}
      {res.results.length === 0 && <div class="notice">没有找到 — nothing matched. Try fewer filters or other words.</div>}
      <div id="results">
        {res.results.map((h) => (
          <HitCard hit={h} />
        ))}
      </div>
      <nav class="pager">
        <span>{offset > 0 && <a href={page(Math.max(0, offset - limit))}>← 上一页 previous</a>}</span>
        <span>{offset + limit < res.total && <a href={page(offset + limit)}>下一页 next →</a>}</span>
      </nav>
    </>
  );
}

export function PaperPage(props: { paper: Paper; related: Hit[]; options: FormOptions }) {
  const p = props.paper;
  return (
    <Layout title={`${p.title.zh ?? p.title.en ?? p.id} · papersift`} form={emptyForm} options={props.options}>
      <article class="paper" data-id={p.id}>
        <Titles title={p.title} tag="h1" />
        <Authors authors={p.authors} />
        {p.affiliations.length > 0 && <div class="authors">{p.affiliations.join('; ')}</div>}
        <Tags categories={p.categories} sources={p.sources} />
        <div class="meta">
          {p.id}
          {p.date ? ` · ${p.date}` : ''}
        </div>
        <Links links={p.links} />
        {p.summary.zh && (
          <section lang="zh">
            <h3>摘要</h3>
            <div class="summary">{p.summary.zh}</div>
          </section>
        )}
        {p.summary.en && (
          <section lang="en">
            <h3>Abstract</h3>
            <div class="summary">{p.summary.en}</div>
          </section>
        )}
        <section>
          <h3>来源 Sources</h3>
          <ul>
            {p.sources.map((s) => (
              <li>
                {s.documentTitle ?? s.document}
                {s.section ? ` · ${s.section}` : ''} · #{s.position} ({s.document}:{s.line})
              </li>
            ))}
          </ul>
        </section>
        <h3 id="related">相关论文 Related papers</h3>
        <div id="related-list">
          {props.related.length ? props.related.map((h) => <HitCard hit={h} />) : <div class="notice">No related papers in the index.</div>}
        </div>
      </article>
    </Layout>
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
      <div class="notice error">
        <b>{props.title}</b> — {props.message}
      </div>
    </Layout>
  );
}

/** Browsing shows catalogue papers with the same card as search hits (no score, no snippet). */
function asHit(p: Paper): Hit {
  return paperHit(p, 0, false, { matchedTerms: [], snippets: {} });
}
