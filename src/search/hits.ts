// Candidates -> API hits with explanations: channel ranks/scores, matched language views and terms, and
// snippets in both languages with the matched terms marked.
import type { Paper } from '../catalogue/types.js';
import { stem as porterStem } from '../lang/english.js';
import type { Candidate } from './candidate.js';
import type { EngineContext } from './context.js';
import { matchSpans, snippet, textWords, type Span, type TextWord } from './snippets.js';
import type { Explanation, Hit } from './types.js';
import { BoundedMemo } from './memo.js';

const HAN = /\p{Script=Han}/u;

interface TermSets {
  words: Set<string>; // stemmed Latin terms
  han: string[]; // Chinese terms
}

function termSets(terms: readonly string[]): TermSets {
  return { words: new Set(terms.filter((t) => !HAN.test(t))), han: terms.filter((t) => HAN.test(t)) };
}

// Highlighting stems every word of every shown summary; the same words recur across hits and requests.
const STEM_MEMO_LIMIT = 50_000;
const stemMemo = new BoundedMemo<string, string>(STEM_MEMO_LIMIT, porterStem);
const stem = (word: string) => stemMemo.get(word);

// Finding the words of a text is most of the cost of highlighting, and it does not depend on the query: the same
// summaries and titles come back across hits and requests, so each text's words are computed once. The memo is
// keyed by the text itself, so it is pure and shared safely across generations.
const wordsMemo = new BoundedMemo<string, readonly TextWord[]>(4_096, (text) => textWords(text, stem));
const wordsOf = (text: string) => wordsMemo.get(text);

const spansIn = (text: string, s: TermSets): Span[] => matchSpans(text, s.words, stem, s.han, s.words.size > 0 ? wordsOf(text) : []);

/** The summary when it holds matches, else the title when it does, else the start of the summary (or the title). */
function languageSnippet(title: string | undefined, summary: string | undefined, s: TermSets): string | undefined {
  for (const text of [summary, title]) {
    if (!text) continue;
    const spans = spansIn(text, s);
    if (spans.length > 0) return snippet(text, spans);
  }
  const text = summary ?? title;
  return text === undefined ? undefined : snippet(text, []);
}

/** Which of the terms occur in the paper's texts (for hits the lexical channel did not rank). One pass per text. */
function termsInPaper(paper: Paper, terms: readonly string[]): string[] {
  const texts = [paper.title.en, paper.title.zh, paper.summary.en, paper.summary.zh].filter((t): t is string => !!t);
  const { words, han } = termSets(terms);
  const found = new Set<string>();
  for (const text of texts) {
    // a matched word counts as every form it has (fine-tuning: fine-tun, fine, tune), a Chinese term as itself
    if (words.size > 0) for (const w of wordsOf(text)) if (w.forms.some((f) => words.has(f))) for (const f of w.forms) found.add(f);
    for (const [a, b] of matchSpans(text, new Set(), stem, han)) found.add(text.slice(a, b));
  }
  return terms.filter((t) => found.has(t));
}

function explain(c: Candidate, paper: Paper, highlight: readonly string[]): Explanation {
  const matchedTerms = c.lexical?.matchedTerms ?? termsInPaper(paper, highlight);
  const sets = termSets(matchedTerms.length ? matchedTerms : highlight);
  const snippets: Explanation['snippets'] = {};
  const en = languageSnippet(paper.title.en, paper.summary.en, sets);
  const zh = languageSnippet(paper.title.zh, paper.summary.zh, sets);
  if (en !== undefined) snippets.en = en;
  if (zh !== undefined) snippets.zh = zh;
  return {
    ...(c.semantic ? { semantic: { rank: c.semantic.rank, score: c.semantic.score, view: c.semantic.view, views: c.semantic.views } } : {}),
    ...(c.lexical ? { lexical: { rank: c.lexical.rank, score: c.lexical.score } } : {}),
    ...(c.idMatch ? { idMatch: c.idMatch } : {}),
    matchedTerms,
    snippets,
  };
}

export function toHits(ctx: EngineContext, candidates: readonly Candidate[], highlight: readonly string[]): Hit[] {
  return candidates.flatMap((c) => {
    const paper = ctx.lookup.byId.get(c.paperId);
    if (!paper) return []; // an index entry whose paper left the snapshot; never shown
    return [paperHit(paper, c.score, c.lowConfidence, explain(c, paper, highlight))];
  });
}

/** The Hit shape of a paper: its public fields plus how it scored and why. */
export function paperHit(paper: Paper, score: number, lowConfidence: boolean, explanation: Explanation): Hit {
  return {
    id: paper.id,
    ...(paper.arxivId ? { arxivId: paper.arxivId } : {}),
    ...(paper.doi ? { doi: paper.doi } : {}),
    title: paper.title,
    authors: paper.authors,
    categories: paper.categories,
    links: paper.links,
    sources: paper.sources,
    score,
    lowConfidence,
    explanation,
  };
}

