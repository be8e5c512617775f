// BibTeX for one paper, as the cards' "copy BibTeX" button copies it: arXiv papers as @misc with eprint fields
// (the form arXiv's own export uses), DOI-only papers as @article, anything else as @misc with its URL.
import type { Paper } from '../../catalogue/types.js';

/** The arXiv archive a newsletter tag belongs to: the daily newsletters write cs.CV as [CV], stat.ML as [ML]. */
const NON_CS_TAGS: Record<string, string> = { ML: 'stat.ML', AS: 'eess.AS', IV: 'eess.IV', SP: 'eess.SP' };

export function primaryClass(category: string | undefined): string | undefined {
  if (!category) return undefined;
  if (/^[a-z-]+\.[A-Z]{2}$/.test(category)) return category;
  if (/^[A-Z]{2}$/.test(category)) return NON_CS_TAGS[category] ?? `cs.${category}`;
  return undefined;
}

/** "Hangbo Bao" -> "Bao, Hangbo"; one-word names (and names already "Last, First") stay as written. */
function bibAuthor(name: string): string {
  const parts = name.trim().split(/\s+/);
  if (name.includes(',') || parts.length < 2) return name.trim();
  return `${parts.at(-1)}, ${parts.slice(0, -1).join(' ')}`;
}

/** Escapes the characters LaTeX treats specially, so a title like "A & B: 100% $x$" survives. */
function escapeTex(s: string): string {
  return s.replace(/[\\{}&%$#_~^]/g, (ch) => (ch === '\\' ? '\\textbackslash{}' : ch === '~' || ch === '^' ? `\\${ch}{}` : `\\${ch}`));
}

export function paperYear(p: Paper): string | undefined {
  return p.date?.slice(0, 4);
}

/** citekey = first author's family name + year + first title word, ASCII letters and digits only. */
function citeKey(p: Paper, title: string): string {
  const family = p.authors[0] ? bibAuthor(p.authors[0]).split(',')[0]! : '';
  const word = title.split(/\s+/).find((w) => /[A-Za-z]{3,}/.test(w)) ?? '';
  const key = `${family}${paperYear(p) ?? ''}${word}`.normalize('NFKD').replace(/[^A-Za-z0-9]/g, '').toLowerCase();
  return key || p.id.replace(/[^A-Za-z0-9]/g, '');
}

export function bibtex(p: Paper): string {
  const title = p.title.en ?? p.title.zh ?? p.id;
  const url = p.arxivId ? `https://arxiv.org/abs/${p.arxivId}` : p.doi ? `https://doi.org/${p.doi}` : p.links[0]?.url;
  const fields: [string, string | undefined][] = [
    ['title', escapeTex(title)],
    ['author', p.authors.length ? p.authors.map((a) => escapeTex(bibAuthor(a))).join(' and ') : undefined],
    ['year', paperYear(p)],
    ['eprint', p.arxivId],
    ['archivePrefix', p.arxivId ? 'arXiv' : undefined],
    ['primaryClass', p.arxivId ? primaryClass(p.categories[0]) : undefined],
    ['doi', p.doi],
    ['url', url],
  ];
  const type = !p.arxivId && p.doi ? 'article' : 'misc';
  const body = fields.filter(([, v]) => v).map(([k, v]) => `  ${k} = {${v}}`);
  return `@${type}{${citeKey(p, title)},\n${body.join(',\n')}\n}`;
}
