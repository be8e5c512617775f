// GET /metrics: Prometheus text with per-route request counts and latency histograms, what is served and the last
// reindex. Real service over the seed data; the text is parsed line by line, not snapshot-compared.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPaths } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { createApp } from '../../src/server/app.js';
import { ServiceState } from '../../src/server/state.js';
import { seededService, testConfig, type Service } from './fixture.js';

let s: Service;
beforeAll(async () => {
  s = await seededService();
}, 300_000);
afterAll(() => s.close());

/** `name{labels} value` lines of a Prometheus text exposition, keyed by everything before the value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    out.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return out;
}

async function scrape(app = s.app): Promise<Map<string, number>> {
  const res = await app.request('/metrics');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return samples(await res.text());
}

describe('GET /metrics', () => {
  it('counts requests per route pattern and status, with a latency histogram', async () => {
    const app = createApp({ config: testConfig(s.dir), state: s.state, logger: silentLogger });
    for (const q of ['pretraining', '预训练']) await app.request(`/api/search?q=${encodeURIComponent(q)}`);
    await app.request('/api/papers/arxiv:2209.11055');
    await app.request('/api/papers/2201.04182');
    await app.request('/api/search?limit=0');
    const tag = (await app.request('/api/papers/2201.04182')).headers.get('etag')!;
    expect((await app.request('/api/papers/2201.04182', { headers: { 'if-none-match': tag } })).status).toBe(304);
    await app.request('/no/such/page/1');
    await app.request('/no/such/page/2');
    const m = await scrape(app);
    expect(m.get('papersift_http_requests_total{method="GET",route="/api/search",status="200"}')).toBe(2);
    expect(m.get('papersift_http_requests_total{method="GET",route="/api/search",status="400"}')).toBe(1);
    expect(m.get('papersift_http_requests_total{method="GET",route="/api/papers/:id",status="200"}')).toBe(3);
    expect(m.get('papersift_http_requests_total{method="GET",route="/api/papers/:id",status="304"}')).toBe(1); // answered by the ETag middleware
    expect(m.get('papersift_http_requests_total{method="GET",route="unmatched",status="404"}')).toBe(2); // one label for all unknown URLs
    expect(m.get('papersift_http_request_duration_seconds_count{method="GET",route="/api/search",status="200"}')).toBe(2);
    expect(m.get('papersift_http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/api/search",status="200"}')).toBe(2);
    expect(m.get('papersift_http_request_duration_seconds_sum{method="GET",route="/api/search",status="200"}')).toBeGreaterThan(0);
  });

  it('says what is served: generation, its age, papers, vectors, readiness; and the process metrics', async () => {
    const m = await scrape();
    const stats = (await (await s.app.request('/api/stats')).json()) as { papers: number; vectors: number; generation: { name: string; ageSeconds: number } };
    expect(m.get('papersift_ready')).toBe(1);
    expect(m.get('papersift_generation')).toBe(Number(stats.generation.name));
    expect(m.get('papersift_papers')).toBe(stats.papers);
    expect(m.get('papersift_vectors')).toBe(stats.vectors);
    expect(Math.abs(m.get('papersift_generation_age_seconds')! - stats.generation.ageSeconds)).toBeLessThan(60);
    expect(m.get('process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('answers while not ready, with zeros for the index (prom-client always shows an unlabelled gauge)', async () => {
    const idle = new ServiceState(s.source, { currentFile: dataPaths(s.dir).current, pollIntervalMs: 1000, logger: silentLogger });
    idle.setNotReadyReason('first run');
    const m = await scrape(createApp({ config: testConfig(s.dir), state: idle, logger: silentLogger }));
    expect(m.get('papersift_ready')).toBe(0);
    expect(m.get('papersift_generation')).toBe(0);
    expect(m.get('papersift_papers')).toBe(0);
  });

  it('reports the last reindex from its report file (no outcome series, zeros, before the first run)', async () => {
    const report = join(s.dir, 'reindex-report.json');
    const app = createApp({ config: testConfig(s.dir), state: s.state, logger: silentLogger, reindexReport: report });
    const before = await scrape(app);
    expect([...before.keys()].some((k) => k.startsWith('papersift_reindex_last_outcome'))).toBe(false);
    expect(before.get('papersift_reindex_last_finished_timestamp_seconds')).toBe(0);
    await writeFile(report, JSON.stringify({ outcome: 'gate-refused', totalMs: 12_500, finishedAt: '2026-11-30T02:30:12.500Z' }));
    const m = await scrape(app);
    expect(m.get('papersift_reindex_last_outcome{outcome="gate-refused"}')).toBe(1);
    expect(m.get('papersift_reindex_last_outcome{outcome="switched"}')).toBe(0);
    expect(m.get('papersift_reindex_last_duration_seconds')).toBe(12.5);
    expect(m.get('papersift_reindex_last_finished_timestamp_seconds')).toBe(Date.parse('2026-11-30T02:30:12.500Z') / 1000);
  });
});

describe('search phase timings', () => {
  it('are exported per phase once the engines report into the service\'s SearchPhases', async () => {
    const { seedFixture } = await import('../search/fixture.js');
    const { createSearchEngine } = await import('../../src/search/engine.js');
    const { SearchPhases } = await import('../../src/server/metrics.js');
    const f = await seedFixture();
    const phases = new SearchPhases();
    const engine = createSearchEngine({ papers: f.papers, index: f.index, lexical: f.lexical, embedder: f.embedder, dictionary: f.dictionary, onPhase: phases.listener });
    const app = createApp({ config: testConfig(s.dir), state: s.state, logger: silentLogger, phases });
    await engine.search({ q: 'protein language model' });
    await engine.search({ q: '蛋白质', mode: 'lexical' });
    const m = await scrape(app);
    for (const phase of ['bm25', 'embed', 'hnsw', 'fusion']) {
      expect(m.get(`papersift_search_phase_duration_seconds_count{phase="${phase}"}`), phase).toBe(2);
      expect(m.get(`papersift_search_phase_duration_seconds_sum{phase="${phase}"}`), phase).toBeGreaterThanOrEqual(0);
    }
  });
});
