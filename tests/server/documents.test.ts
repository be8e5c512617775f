// POST /api/documents: authenticated ingestion + incremental index build; the new papers are searchable as soon
// as the call returns, and nothing stored changes when a request is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { dataPaths } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { acquireLock } from '../../src/reindex/lock.js';
import { createApp } from '../../src/server/app.js';
import { createDocumentWriter } from '../../src/server/documents.js';
import { API_KEY, seededService, testConfig, type Service } from './fixture.js';

// A daily digest in the seeds' format: one paper new to the catalogue (the Transformer paper) and one already
// known from daily-arxiv-2022-09.txt (SetFit), which must merge with it.
const NEW_DOC = `LG - 机器学习   CV - 计算机视觉   CL - 计算与语言

转自爱可可爱生活

摘要:注意力就是你所需要的全部、无提示的高效少样本学习

 

1、[CL] Attention Is All You Need

A Vaswani, N Shazeer, N Parmar...
[Google Brain & Google Research & University of Toronto]
注意力就是你所需要的全部。主流的序列转导模型基于复杂的循环或卷积神经网络,包括一个编码器和一个解码器。本文提出一种新的简单网络架构Transformer,完全基于注意力机制,完全摒弃了循环和卷积。在两个机器翻译任务上的实验表明,该模型在质量上更优,同时更易并行化,训练时间显著减少。

The dominant sequence transduction models are based on complex recurrent or convolutional neural networks that include an encoder and a decoder. We propose a new simple network architecture, the Transformer, based solely on attention mechanisms, dispensing with recurrence and convolutions entirely. Experiments on two machine translation tasks show these models to be superior in quality while being more parallelizable and requiring significantly less time to train.

https://arxiv.org/abs/1706.03762

 

2、[CL] Efficient Few-Shot Learning Without Prompts

L Tunstall, N Reimers, U E S Jo...
[Hugging Face & cohere.ai & Technical University of Darmstadt & Intel Labs]
无提示的高效少样本学习。本文提出SETFIT,一种高效的、无提示的框架,用于对句子Transformer进行少样本微调。

Recent few-shot methods, such as parameter efficient fine-tuning (PEFT) and pattern exploiting training (PET), have achieved impressive results in label-scarce settings. We propose SETFIT (Sentence Transformer Finetuning), an efficient and prompt-free framework for few-shot fine-tuning of Sentence Transformers.

https://arxiv.org/abs/2209.11055

 
`;

let s: Service;
beforeAll(async () => {
  s = await seededService();
});
afterAll(async () => {
  await s?.close();
});

const auth = { authorization: `Bearer ${API_KEY}` };
async function call(path: string, init: RequestInit = {}, app = s.app) {
  const res = await app.request(path, init);
  return { status: res.status, body: (await res.json()) as any, res };
}
const postJson = (body: unknown, headers: Record<string, string> = auth, app = s.app) =>
  call('/api/documents', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }, app);
const catalogueBytes = () => readFile(dataPaths(s.dir).catalogue, 'utf8');
const generation = async () => (await call('/health')).body.generation as string;

describe('POST /api/documents', () => {
  it('ingests JSON { name, text }, reports what changed, and serves the new papers when it returns', async () => {
    const before = await generation();
    const { status, body } = await postJson({ name: 'daily-extra.txt', text: NEW_DOC });
    expect(status).toBe(200);
    expect(body.document).toEqual({ name: 'daily-extra.txt', status: 'new', papers: 2 });
    expect(body.added).toEqual(['arxiv:1706.03762']);
    expect(body.merged).toContain('arxiv:2209.11055');
    expect(body.removed).toEqual([]);
    expect(body.unchanged).toBe(50);
    expect(body.generation).not.toBe(before);
    expect(await generation()).toBe(body.generation);

    // searchable at once: by id, by a Chinese query, and as a paper with both sources merged
    const byId = await call('/api/search?q=1706.03762');
    expect(byId.body.results[0].id).toBe('arxiv:1706.03762');
    const zh = await call(`/api/search?q=${encodeURIComponent('注意力机制')}&limit=5`);
    expect(zh.body.results.map((h: any) => h.id)).toContain('arxiv:1706.03762');
    const setfit = await call('/api/papers/2209.11055');
    expect(setfit.body.sources.map((x: any) => x.document).sort()).toEqual(['daily-arxiv-2022-09.txt', 'daily-extra.txt']);
    expect((await call('/api/stats')).body.papers).toBe(52);
  });

  it('does not rebuild for an unchanged re-post', async () => {
    const before = await generation();
    const { status, body } = await postJson({ name: 'daily-extra.txt', text: NEW_DOC });
    expect(status).toBe(200);
    expect(body.document.status).toBe('unchanged');
    expect(body.added).toEqual([]);
    expect(body.generation).toBe(before);
  });

  it('accepts the raw document as text/plain with ?name=, updating changed papers', async () => {
    const edited = NEW_DOC.replace('完全摒弃了循环和卷积', '完全摒弃了循环和卷积(自注意力)');
    const before = await generation();
    const { status, body } = await call('/api/documents?name=daily-extra.txt', {
      method: 'POST',
      headers: { 'content-type': 'text/plain; charset=utf-8', ...auth },
      body: edited,
    });
    expect(status).toBe(200);
    expect(body.document.status).toBe('changed');
    expect(body.updated).toEqual(['arxiv:1706.03762']);
    expect(body.generation).not.toBe(before);
    expect((await call('/api/papers/1706.03762')).body.summary.zh).toContain('(自注意力)');
  });

  describe('refuses, changing nothing stored', () => {
    let stored: string;
    let gen: string;
    beforeAll(async () => {
      stored = await catalogueBytes();
      gen = await generation();
    });
    afterAll(async () => {
      expect(await catalogueBytes()).toBe(stored);
      expect(await generation()).toBe(gen);
    });

    it('401 without credentials, 403 with the wrong key', async () => {
      const missing = await postJson({ name: 'x.txt', text: NEW_DOC }, {});
      expect(missing.status).toBe(401);
      expect(missing.body.error.code).toBe('unauthorized');
      expect(missing.res.headers.get('www-authenticate')).toContain('Bearer');
      expect((await postJson({ name: 'x.txt', text: NEW_DOC }, { authorization: `Basic ${btoa('a:b')}` })).status).toBe(401);
      const wrong = await postJson({ name: 'x.txt', text: NEW_DOC }, { authorization: `Bearer ${API_KEY}x` });
      expect(wrong.status).toBe(403);
      expect(wrong.body.error.message).toContain('wrong credentials');
    });

    it('403 (disabled, not open) when the server has no API key', async () => {
      const config = testConfig(s.dir, { apiKey: undefined });
      expect(config.apiKey).toBeUndefined();
      const writer = createDocumentWriter({ config, state: s.state, source: s.source, logger: silentLogger });
      const app = createApp({ config, state: s.state, logger: silentLogger, documents: writer });
      const r = await postJson({ name: 'x.txt', text: NEW_DOC }, auth, app);
      expect(r.status).toBe(403);
      expect(r.body.error.message).toContain('PAPERSIFT_API_KEY');
    });

    it('413 for a body over the limit, checked after authentication', async () => {
      const config = testConfig(s.dir, { maxBodyBytes: 2048 });
      const writer = createDocumentWriter({ config, state: s.state, source: s.source, logger: silentLogger });
      const app = createApp({ config, state: s.state, logger: silentLogger, documents: writer });
      const big = NEW_DOC.repeat(3);
      const r = await call('/api/documents?name=big.txt', { method: 'POST', headers: { 'content-type': 'text/plain', ...auth }, body: big }, app);
      expect(r.status).toBe(413);
      expect(r.body.error.code).toBe('payload_too_large');
      const anonymous = await call('/api/documents?name=big.txt', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: big }, app);
      expect(anonymous.status).toBe(401);
    });

    it.each([
      ['text/plain without ?name=', '/api/documents', 'text/plain', NEW_DOC, '"name"'],
      ['a name with a slash', '/api/documents?name=..%2Fescape.txt', 'text/plain', NEW_DOC, '"name"'],
      ['JSON without text', '/api/documents', 'application/json', JSON.stringify({ name: 'a.txt' }), '"text"'],
      ['JSON with an unknown field', '/api/documents', 'application/json', JSON.stringify({ name: 'a.txt', text: NEW_DOC, extra: 1 }), 'extra'],
      ['a document in no known format', '/api/documents?name=notes.txt', 'text/plain', 'just some notes\nnothing like a newsletter\n', 'notes.txt'],
    ])('400 for %s', async (_what, path, type, body, mentions) => {
      const r = await call(path, { method: 'POST', headers: { 'content-type': type, ...auth }, body });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('bad_request');
      expect(r.body.error.message).toContain(mentions);
    });

    it('400 for a text/plain body that is not UTF-8', async () => {
      const gbk = new Uint8Array([0xc9, 0xd9, 0xd1, 0xf9, 0xb1, 0xbe, 0x0a]); // 少样本 in GBK
      const r = await call('/api/documents?name=gbk.txt', { method: 'POST', headers: { 'content-type': 'text/plain', ...auth }, body: gbk });
      expect(r.status).toBe(400);
      expect(r.body.error.message).toContain('UTF-8');
    });

    it('415 for other content types', async () => {
      const r = await call('/api/documents?name=a.txt', { method: 'POST', headers: { 'content-type': 'application/xml', ...auth }, body: '<a/>' });
      expect(r.status).toBe(415);
    });

    it('409 with Retry-After while another writer (the nightly reindex) holds the data lock', async () => {
      const lock = await acquireLock(dataPaths(s.dir).lock, { owner: 'reindex' });
      try {
        const r = await postJson({ name: 'blocked.txt', text: NEW_DOC });
        expect(r.status).toBe(409);
        expect(r.body.error).toMatchObject({ code: 'conflict' });
        expect(r.body.error.message).toContain('reindex');
        expect(r.res.headers.get('retry-after')).toBe('30');
      } finally {
        await lock.release();
      }
    });
  });
});
