/** @jsxImportSource hono/jsx */
// One result card: both titles, date, authors (each a link to their papers), tags, highlighted snippets, why it
// matched, links (arXiv abstract next to the PDF) and the reader's actions (save, dismiss, copy BibTeX).
import { raw } from 'hono/html';
import type { Paper, SourceRef } from '../../catalogue/types.js';
import type { Explanation, Hit } from '../../search/types.js';
import { bibtex } from './bibtex.js';

/** Paper URL path; ids are URL-encoded so DOIs (with slashes) stay one path segment. `back` = the search it came from. */
export const paperHref = (id: string, back?: string) => `/paper/${encodeURIComponent(id)}${back ? `?${back}` : ''}`;

/** A search for everything one author wrote, in the query syntax (quoted: names have spaces). */
export const authorHref = (name: string) => `/?${new URLSearchParams({ q: `au:"${name}"` }).toString()}`;

/**
 * Snippets arrive with matched terms wrapped in <mark> and everything else escaped (the engine's contract).
 * Allow exactly those tags through and neutralise any other "<" so a broken snippet cannot inject markup.
 */
export function safeSnippet(html: string): string {
  return html.replace(/<(?!\/?mark>)/g, '&lt;');
}

export function Titles({ title, href, level }: { title: Hit['title']; href?: string; level: 1 | 2 | 3 }) {
  const main = title.zh ?? title.en ?? '(untitled)';
  const second = title.zh && title.en ? title.en : undefined;
  const inner = (
    <>
      {href ? <a href={href}>{main}</a> : main}
      {second && (
        <span class="title-en" lang="en">
          {second}
        </span>
      )}
    </>
  );
  return level === 1 ? <h1>{inner}</h1> : level === 2 ? <h2>{inner}</h2> : <h3>{inner}</h3>;
}

export function Authors({ authors }: { authors: string[] }) {
  if (!authors.length) return null;
  const shown = authors.slice(0, 8);
  return (
    <div class="authors">
      {shown.map((a, i) => (
        <>
          {i > 0 && ', '}
          <a href={authorHref(a)}>{a}</a>
        </>
      ))}
      {authors.length > shown.length && ` +${authors.length - shown.length}`}
    </div>
  );
}

/** The newsletter issue a source is, as readers know it ("预训练周刊 第52期"), else its document name. */
const sourceLabel = (s: SourceRef) => (s.issue ? `预训练周刊 第${s.issue}期` : s.document);

export function Tags({ date, categories, sources }: { date?: string | undefined; categories: string[]; sources: SourceRef[] }) {
  const docs = new Map(sources.map((s) => [s.document, sourceLabel(s)]));
  return (
    <div class="tags">
      {date && <span class="tag date">{date}</span>}
      {categories.map((c) => (
        <a class="tag" href={`/?category=${encodeURIComponent(c)}`}>
          {c}
        </a>
      ))}
      {[...docs].map(([doc, label]) => (
        <a class="tag src" href={`/?source=${encodeURIComponent(doc)}`}>
          {label}
        </a>
      ))}
    </div>
  );
}

/** The arXiv abstract and PDF first (built from the id, so every arXiv paper has both), then the newsletter's links. */
function paperLinks(p: Pick<Hit, 'arxivId' | 'doi' | 'links'>): { label: string; url: string }[] {
  const label = { paper: 'paper', pdf: 'PDF', code: 'code', hub: 'BAAI Hub', other: 'link' } as const;
  const out: { label: string; url: string }[] = [];
  if (p.arxivId) out.push({ label: 'arXiv', url: `https://arxiv.org/abs/${p.arxivId}` }, { label: 'PDF', url: `https://arxiv.org/pdf/${p.arxivId}` });
  if (p.doi) out.push({ label: 'DOI', url: `https://doi.org/${p.doi}` });
  for (const l of p.links) {
    const covered = p.arxivId && /arxiv\.org\/(abs|pdf)\//.test(l.url);
    if (!covered && !out.some((o) => o.url === l.url)) out.push({ label: label[l.kind], url: l.url });
  }
  return out;
}

export function Links({ paper, related }: { paper: Pick<Hit, 'arxivId' | 'doi' | 'links'>; related?: string }) {
  return (
    <div class="links">
      {related && (
        <a class="related" href={related}>
          相关论文 related →
        </a>
      )}
      {paperLinks(paper).map((l) => (
        <a href={l.url} rel="noopener noreferrer" target="_blank">
          {l.label}
        </a>
      ))}
    </div>
  );
}

/** Save / dismiss (kept in the browser by the client script) and copy BibTeX; shown only when the script runs. */
export function Actions({ paper }: { paper: Paper }) {
  return (
    <div class="acts" data-id={paper.id}>
      <button type="button" class="act save" aria-pressed="false">
        ☆ 收藏 save
      </button>
      <button type="button" class="act dismiss" aria-pressed="false">
        ✕ 不感兴趣 dismiss
      </button>
      <button type="button" class="act bib" data-bibtex={bibtex(paper)}>
        复制 copy BibTeX
      </button>
      <span class="act-status" role="status"></span>
    </div>
  );
}

function Why({ e, score }: { e: Explanation; score: number }) {
  return (
    <div class="why">
      <span>
        score <b>{score.toFixed(3)}</b>
      </span>
      {e.idMatch && (
        <span>
          id match <b>{e.idMatch}</b>
        </span>
      )}
      {e.semantic && (
        <span>
          semantic #{e.semantic.rank} <b>{e.semantic.score.toFixed(3)}</b>
          {e.semantic.view ? ` (${e.semantic.view} view)` : ''}
        </span>
      )}
      {e.lexical && (
        <span>
          lexical #{e.lexical.rank} <b>{e.lexical.score.toFixed(2)}</b>
        </span>
      )}
      {e.matchedTerms.length > 0 && <span>terms: {e.matchedTerms.slice(0, 12).join(' · ')}</span>}
    </div>
  );
}

/**
 * `paper` is the catalogue record behind the hit (its date and BibTeX); `back` the search the card is listed in,
 * carried to the paper page; `level` the heading level under the page's own headings.
 */
export function HitCard({ hit, paper, back, level = 2 }: { hit: Hit; paper: Paper | undefined; back?: string; level?: 2 | 3 }) {
  const s = hit.explanation.snippets;
  return (
    <article class={hit.lowConfidence ? 'hit low' : 'hit'} data-id={hit.id}>
      <Titles title={hit.title} href={paperHref(hit.id, back)} level={level} />
      <Authors authors={hit.authors} />
      <Tags date={paper?.date} categories={hit.categories} sources={hit.sources} />
      {(s.zh || s.en) && (
        <div class="snip">
          {s.zh && <p lang="zh">{raw(safeSnippet(s.zh))}</p>}
          {s.en && <p lang="en">{raw(safeSnippet(s.en))}</p>}
        </div>
      )}
      {hit.lowConfidence && <div class="weak">弱匹配 weak match</div>}
      {(hit.explanation.semantic || hit.explanation.lexical || hit.explanation.idMatch) && <Why e={hit.explanation} score={hit.score} />}
      <Links paper={hit} related={`${paperHref(hit.id, back)}#related`} />
      {paper && <Actions paper={paper} />}
    </article>
  );
}
