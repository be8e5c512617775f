// What a reindex run did: the JSON written to dataPaths(dataDir).report and the human summary on stdout.
import { writeFileAtomic } from '../util/atomic.js';
import type { ExitCodeValue } from './exit-codes.js';
import type { PseudoComparison } from './quality.js';

export type ReindexOutcome = 'switched' | 'nothing-to-do' | 'gate-refused' | 'lock-held' | 'error';

export interface GateResult {
  metric: string; // e.g. "hybrid MRR@10"
  baseline?: number; // the live generation's score (undefined when nothing was live yet)
  candidate?: number; // the new generation's score
  drop?: number; // baseline - candidate
  maxDrop: number;
  forced: boolean;
  passed: boolean;
  note?: string; // why the gate passed or was not applied
  /** Both generations on pseudo-queries from the papers they share (when the live one has the same embedder). */
  pseudo?: PseudoComparison;
}

/** The lexical (BM25) index of the built generation: updated paper by paper, or rebuilt (and why). */
export interface LexicalReport {
  full: boolean;
  reason?: string;
  added: number;
  updated: number;
  removed: number;
}

export interface ReindexResult {
  outcome: ReindexOutcome;
  exitCode: ExitCodeValue;
  startedAt: string;
  finishedAt: string;
  dataDir: string;
  sources: string[];
  removeMissing: boolean;
  documents: { seen: number; new: number; changed: number; unchanged: number; removed: number; failed: { name: string; error: string }[] };
  /** Relative to the generation that was live when the run started (so a retried, once-refused change counts again). */
  papers: { added: number; updated: number; removed: number; total: number };
  /** embedded: texts the model embedded; fromCache: changed views whose vector was cached; unchanged: kept from the live index. */
  views: { total: number; embedded: number; fromCache: number; unchanged: number };
  /** choice: why this embedder (e.g. auto keeping the one the live index was built with, and how to switch). */
  embedder: { id: string; choice?: string; previous?: string; fullRebuild: boolean; reason?: string };
  index: { entries: number; compacted: boolean; lexical?: LexicalReport };
  generation: { previous?: string; built?: string; live?: string; pruned: string[] };
  gate?: GateResult;
  warnings: number; // parser warnings (see the ingest log for each file:line)
  phasesMs: Record<string, number>;
  totalMs: number;
  message: string; // one line saying what happened, for logs and cron mail
  error?: string;
}

export async function writeReport(path: string, result: ReindexResult): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(result, null, 2) + '\n');
}

/** The human summary printed at the end of a run. */
export function formatSummary(r: ReindexResult): string {
  const lines = [`reindex: ${r.message}`];
  if (r.outcome === 'lock-held') return lines[0] + '\n';
  const d = r.documents;
  lines.push(`  documents   ${d.seen} seen: ${d.new} new, ${d.changed} changed, ${d.unchanged} unchanged, ${d.failed.length} failed; ${d.removed} removed`);
  for (const f of d.failed) lines.push(`              failed ${f.name}: ${f.error}`);
  const p = r.papers;
  lines.push(`  papers      +${p.added} added, ~${p.updated} updated, -${p.removed} removed (${p.total} in catalogue)`);
  const v = r.views;
  lines.push(`  views       ${v.embedded} embedded, ${v.fromCache + v.unchanged} reused (${v.fromCache} from the embedding cache, ${v.unchanged} unchanged) of ${v.total}`);
  const e = r.embedder;
  lines.push(`  embedder    ${e.id}${e.fullRebuild ? ` (full rebuild${e.reason ? `: ${e.reason}` : ''})` : ''}`);
  if (e.choice) lines.push(`              ${e.choice}`);
  lines.push(`  index       ${r.index.entries} entries${r.index.compacted ? ', compacted' : ''}`);
  const l = r.index.lexical;
  if (l) {
    const what = l.full ? `rebuilt from ${l.added} papers${l.reason ? ` (${l.reason})` : ''}` : `updated: +${l.added} ~${l.updated} -${l.removed} papers`;
    lines.push(`  lexical     ${what}`);
  }
  const g = r.generation;
  lines.push(`  generation  live ${g.live ?? 'none'}${g.built && g.built !== g.live ? `, built ${g.built} (not live)` : ''}${g.pruned.length ? `, pruned ${g.pruned.join(', ')}` : ''}`);
  if (r.gate) lines.push(`  gate        ${formatGate(r.gate)}`);
  if (r.warnings) lines.push(`  warnings    ${r.warnings} parser warnings (run with --log-level info for file:line)`);
  const phases = Object.entries(r.phasesMs).map(([k, ms]) => `${k} ${formatMs(ms)}`);
  lines.push(`  time        ${formatMs(r.totalMs)} total${phases.length ? ` (${phases.join(', ')})` : ''}`);
  return lines.join('\n') + '\n';
}

function formatGate(g: GateResult): string {
  const num = (x: number | undefined) => (x === undefined ? 'n/a' : x.toFixed(3));
  const verdict = g.passed ? 'passed' : 'REFUSED';
  return `${g.metric} ${num(g.baseline)} -> ${num(g.candidate)} (max drop ${g.maxDrop}): ${verdict}${g.note ? `; ${g.note}` : ''}`;
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
