// runReindex over a sequence of source changes, in-process, with real components: A's catalogue, the generated
// test model, C's generations, E's evaluation. Each step starts from the state the previous one left.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFile, rm, unlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runReindex } from '../../src/reindex/run.js';
import { acquireLock } from '../../src/reindex/lock.js';
import { ExitCode } from '../../src/reindex/exit-codes.js';
import { formatSummary, type ReindexResult } from '../../src/reindex/report.js';
import { openGenerationStore } from '../../src/index/generations.js';
import { openCatalogue } from '../../src/catalogue/lowdb.js';
import { dataPaths } from '../../src/config.js';
import { sentencePool, writeCorpus, documentName, syntheticArxivId } from '../../src/reindex/synth-corpus.js';
import { createWorkspace, readCurrent, SEEDS, type Workspace } from './workspace.js';

let ws: Workspace;
beforeAll(async () => {
  ws = await createWorkspace();
});
afterAll(async () => {
  await rm(ws.root, { recursive: true, force: true });
});

const store = () => openGenerationStore(ws.data);
const savedReport = async () => JSON.parse(await readFile(dataPaths(ws.data).report, 'utf8')) as ReindexResult;

describe('runReindex, step by step', () => {
  it('1. builds the first generation, records its quality and writes the report', async () => {
    const r = await runReindex(ws.config());
    expect(r).toMatchObject({ outcome: 'switched', exitCode: ExitCode.Switched, generation: { live: '1', built: '1' } });
    expect(r.documents).toMatchObject({ seen: 5, new: 5, unchanged: 0, failed: [] });
    expect(r.papers).toEqual({ added: 51, updated: 0, removed: 0, total: 51 });
    expect(r.views).toEqual({ total: 100, embedded: 100, fromCache: 0, unchanged: 0 });
    expect(r.embedder).toMatchObject({ fullRebuild: true, reason: 'no index yet' });
    expect(r.gate).toMatchObject({ passed: true, note: 'no live generation to compare with' });
    expect(r.gate!.candidate).toBeGreaterThan(0.3); // lexical retrieval alone finds most labelled papers
    const quality = JSON.parse(await readFile(join(ws.data, 'generations', '1', 'quality.json'), 'utf8'));
    expect(quality).toMatchObject({ metric: 'hybrid MRR@10', score: r.gate!.candidate, papers: 51, expansion: 'dictionary' });
    expect(r.index.lexical).toMatchObject({ full: true, reason: 'no index yet', added: 51 });
    expect(await savedReport()).toEqual(r);
    for (const phase of ['verify', 'ingest', 'embedder', 'embed', 'write', 'evaluate', 'switch']) expect(r.phasesMs).toHaveProperty(phase);
    expect(formatSummary(r)).toContain('views       100 embedded, 0 reused');
  });

  it('2. embeds only the views of a new document', async () => {
    await writeCorpus(ws.sources, await sentencePool(SEEDS), { papers: 3, perDocument: 3 });
    const r = await runReindex(ws.config());
    expect(r.outcome).toBe('switched');
    expect(r.documents).toMatchObject({ seen: 6, new: 1, unchanged: 5 });
    expect(r.papers).toEqual({ added: 3, updated: 0, removed: 0, total: 54 });
    expect(r.views).toEqual({ total: 106, embedded: 6, fromCache: 0, unchanged: 100 });
    expect(r.index.lexical).toEqual({ full: false, added: 3, updated: 0, removed: 0 }); // only the new papers tokenised
    expect(formatSummary(r)).toContain('lexical     updated: +3 ~0 -0 papers');
    expect(r.gate).toMatchObject({ passed: true, baseline: expect.any(Number), candidate: expect.any(Number) });
    const gen = await store().load('2');
    expect(gen.papers.map((p) => p.arxivId)).toEqual(expect.arrayContaining([0, 1, 2].map(syntheticArxivId)));
  });

  it('3. keeps papers whose document disappeared when asked to (then there is nothing to do)', async () => {
    await unlink(join(ws.sources, documentName(0)));
    const r = await runReindex(ws.config(), { removeMissing: false });
    expect(r).toMatchObject({ outcome: 'nothing-to-do', exitCode: ExitCode.NothingToDo, views: { embedded: 0 } });
    expect(r.papers.total).toBe(54);
  });

  it('4. removes them by default, re-embedding nothing, and prunes to the configured number of generations', async () => {
    const r = await runReindex(ws.config({ keepGenerations: 2 }));
    expect(r.outcome).toBe('switched');
    expect(r.documents.removed).toBe(1);
    expect(r.papers).toEqual({ added: 0, updated: 0, removed: 3, total: 51 });
    expect(r.views).toMatchObject({ embedded: 0, fromCache: 0 });
    expect(r.index.lexical).toEqual({ full: false, added: 0, updated: 0, removed: 3 });
    expect(r.generation).toMatchObject({ previous: '2', live: '3', pruned: ['1'] });
    expect(store().list()).toEqual(['2', '3']);
  });

  it('5. rebuilds in full, and says why, when the embedder changes', async () => {
    const r = await runReindex(ws.config({ dtype: 'fp32' }));
    expect(r.outcome).toBe('switched');
    expect(r.embedder.fullRebuild).toBe(true);
    expect(r.embedder.reason).toMatch(/^embedder changed from transformers:.*:q8:.* to transformers:.*:fp32:/);
    expect(r.embedder.previous).toMatch(/:q8:/);
    expect(r.views).toEqual({ total: 100, embedded: 100, fromCache: 0, unchanged: 0 });
    expect(r.index.lexical).toMatchObject({ full: false, updated: 0 }); // words do not depend on the embedder
    expect(r.gate!.passed).toBe(true);
  });

  it('6. switches when a newsletter is removed although labelled papers vanish: both generations are compared on the papers they share', async () => {
    const config = ws.config({ dtype: 'fp32' });
    await unlink(join(ws.sources, 'weekly-pretraining-no28.txt'));
    const r = await runReindex(config);
    expect(r).toMatchObject({ outcome: 'switched', exitCode: ExitCode.Switched, generation: { previous: '4', live: '5' } });
    expect(r.gate!.note).toMatch(/^labelled set no longer applies \(labelled set does not apply: .*\); hybrid MRR@10 on pseudo-queries \d\.\d{3} -> \d\.\d{3} on \d+ queries$/);
    const pseudo = r.gate!.pseudo!;
    expect(pseudo.livePapers).toBe(51);
    expect(pseudo.shared).toBe(51 - r.papers.removed);
    expect(pseudo.queries).toBeGreaterThan(50);
    expect(pseudo.candidate).toBeGreaterThanOrEqual(pseudo.baseline - 0.05);
    // the live generation was not searched again on queries it answered when it was gated itself (quality.json)
    expect(pseudo.reused).toBeGreaterThan(pseudo.queries / 2);
  });

  it('6b. refuses a generation the gate finds worse (here any change, with max-drop below zero): the old generation stays live, and so does the catalogue it was built from', async () => {
    const config = ws.config({ dtype: 'fp32' });
    await unlink(join(ws.sources, 'weekly-pretraining-no36.txt'));
    const r = await runReindex(config, { maxDrop: -1 });
    expect(r).toMatchObject({ outcome: 'gate-refused', exitCode: ExitCode.GateRefused, generation: { live: '5', built: '6' } });
    expect(r.gate!.note).toMatch(/^hybrid MRR@10 on pseudo-queries dropped -?\d\.\d{3} .* more than -1$/);
    expect(await readCurrent(ws)).toBe('5');
    expect(existsSync(join(ws.data, 'generations', '6'))).toBe(false);
    // the refused change is not in the catalogue either (issue 12, item 1): it agrees with the live generation
    const catalogue = await openCatalogue(dataPaths(ws.data).catalogue);
    expect(catalogue.documents().map((d) => d.name)).toContain('weekly-pretraining-no36.txt');
    expect(catalogue.papers().length).toBe((await openGenerationStore(ws.data).load('5')).papers.length);
    const removed = r.papers.removed;
    expect(removed).toBeGreaterThan(0);

    const again = await runReindex(config, { maxDrop: -1 }); // the next run sees the same change again and refuses it again
    expect(again).toMatchObject({ outcome: 'gate-refused', documents: { unchanged: 3, removed: 1 }, papers: { removed } });

    const forced = await runReindex(config, { maxDrop: -1, force: true });
    expect(forced).toMatchObject({ outcome: 'switched', papers: { removed }, gate: { passed: true, forced: true } });
    expect(await readCurrent(ws)).toBe(forced.generation.live);
  });

  it('7. reports a held lock without touching the report of the run that holds it', async () => {
    const before = await readFile(dataPaths(ws.data).report, 'utf8');
    const lock = await acquireLock(dataPaths(ws.data).lock, { owner: 'POST /api/documents' });
    try {
      const r = await runReindex(ws.config());
      expect(r).toMatchObject({ outcome: 'lock-held', exitCode: ExitCode.LockHeld });
      expect(r.message).toContain('(POST /api/documents)');
      expect(formatSummary(r)).toBe(`reindex: ${r.message}\n`);
    } finally {
      await lock.release();
    }
    expect(await readFile(dataPaths(ws.data).report, 'utf8')).toBe(before);
  });

  it('8. fails clearly when the embedder cannot be opened, still saying what was ingested, and leaves the live generation', async () => {
    const live = await readCurrent(ws);
    await writeCorpus(ws.sources, await sentencePool(SEEDS), { papers: 2, perDocument: 2 });
    const r = await runReindex(ws.config({ embedder: 'nobody/missing-model', offline: true }));
    expect(r).toMatchObject({ outcome: 'error', exitCode: ExitCode.Error });
    expect(r.error).toMatch(/"nobody\/missing-model".*not available.*PAPERSIFT_EMBEDDER=static/s);
    expect(r.papers.added).toBe(2); // the summary reports the ingest that did happen
    expect(formatSummary(r)).toContain('papers      +2 added');
    expect(await readCurrent(ws)).toBe(live);
  });
});
