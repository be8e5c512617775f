/** @jsxImportSource hono/jsx */
// One result card: both titles, authors, tags, highlighted snippets, why it matched, links and "related".
import { raw } from 'hono/html';
import type { Link, SourceRef } from '../../catalogue/types.js';
import type { Explanation, Hit } from '../../search/types.js';

/** Paper URL path; ids are URL-encoded so DOIs (with slashes) stay one path segment. */
export const paperHref = (id: string) => `/paper/${encodeURIComponent(id)}`;

/**
 * Snippets arrive with matched terms wrapped in <mark> and everything else escaped (the engine's contract).
 * Allow exactly those tags through and neutralise any other "<" so a broken snippet cannot inject markup.
 */
export function safeSnippet(html: string): string {
  return html.replace(/<(?!\/?mark>)/g, '&lt;');
}

export function Titles({ title, href, tag = 'h2' }: { title: Hit['title']; href?: string; tag?: 'h1' | 'h2' }) {
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
  return tag === 'h1' ? <h1>{inner}</h1> : <h2>{inner}</h2>;
}

export function Authors({ authors }: { authors: string[] }) {
  if (!authors.length) return null;
  const shown = authors.length > 8 ? [...authors.slice(0, 8), `+${authors.length - 8}`] : authors;
  return <div class="authors">{shown.join(', ')}</div>;
}

export function Tags({ categories, sources }: { categories: string[]; sources: SourceRef[] }) {
  const docs = [...new Set(sources.map((s) => (s.issue ? `预训练周刊 第${s.issue}期` : s.document)))];
  return (
    <div class="tags">
      {categories.map((c) => (
        <a class="tag" href={`/?category=${encodeURIComponent(c)}`}>
          {c}
        </a>
      ))}
      {docs.map((d) => (
        <span class="tag src">{d}</span>
      ))}
    </div>
  );
}

export function Links({ links, related }: { links: Link[]; related?: string }) {
  const label: Record<Link['kind'], string> = { paper: 'paper', pdf: 'PDF', code: 'code', hub: 'BAAI Hub', other: 'link' };
  return (
    <div class="links">
      {related && (
        <a class="related" href={related}>
          相关论文 related →
        </a>
      )}
      {links.map((l) => (
        <a href={l.url} rel="noopener noreferrer" target="_blank">
          {label[l.kind]}
        </a>
      ))}
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

export function HitCard({ hit }: { hit: Hit }) {
  const s = hit.explanation.snippets;
  return (
    <article class={hit.lowConfidence ? 'hit low' : 'hit'} data-id={hit.id}>
      <Titles title={hit.title} href={paperHref(hit.id)} />
      <Authors authors={hit.authors} />
      <Tags categories={hit.categories} sources={hit.sources} />
      {(s.zh || s.en) && (
        <div class="snip">
          {s.zh && <p lang="zh">{raw(safeSnippet(s.zh))}</p>}
          {s.en && <p lang="en">{raw(safeSnippet(s.en))}</p>}
        </div>
      )}
      {(hit.explanation.semantic || hit.explanation.lexical || hit.explanation.idMatch) && <Why e={hit.explanation} score={hit.score} />}
      <Links links={hit.links} related={`${paperHref(hit.id)}#related`} />
    </article>
  );
}
