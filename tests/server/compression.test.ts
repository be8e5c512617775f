// Compression for clients that ask for it: gzip (or brotli without gzip), text/JSON of 1 KiB and more, nothing else touched.
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseEncoding } from '../../src/server/compression.js';
import { seededService, type Service } from './fixture.js';

let s: Service;
beforeAll(async () => {
  s = await seededService();
}, 300_000);
afterAll(() => s.close());

const get = (path: string, acceptEncoding?: string) => s.app.request(path, acceptEncoding ? { headers: { 'accept-encoding': acceptEncoding } } : {});

describe('compression', () => {
  it.each([
    ['br', brotliDecompressSync],
    ['gzip', gunzipSync],
  ] as const)('%s: the same JSON, smaller, with Content-Encoding and Vary', async (encoding, decode) => {
    const path = '/api/search?q=pretraining&limit=10';
    const plain = await get(path);
    const plainBody = Buffer.from(await plain.arrayBuffer());
    const res = await get(path, encoding === 'br' ? 'deflate, br' : 'gzip, deflate, br');
    expect(res.headers.get('content-encoding')).toBe(encoding);
    expect(res.headers.get('vary')).toContain('Accept-Encoding');
    const compressed = Buffer.from(await res.arrayBuffer());
    expect(Number(res.headers.get('content-length'))).toBe(compressed.length);
    expect(compressed.length).toBeLessThan(plainBody.length / 2);
    const decoded = JSON.parse(decode(compressed).toString('utf8'));
    const original = JSON.parse(plainBody.toString('utf8'));
    expect({ ...decoded, tookMs: 0 }).toEqual({ ...original, tookMs: 0 });
  });

  it('leaves alone clients that do not ask, small bodies, 304s and HTML pages keep working', async () => {
    expect((await get('/api/search?q=pretraining')).headers.get('content-encoding')).toBeNull();
    const small = await get('/health', 'br');
    expect(small.headers.get('content-encoding')).toBeNull();
    expect(await small.json()).toMatchObject({ status: 'ready' });
    const tag = (await get('/api/papers/arxiv:2209.11055')).headers.get('etag')!;
    const notModified = await s.app.request('/api/papers/arxiv:2209.11055', { headers: { 'accept-encoding': 'br', 'if-none-match': tag } });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get('content-encoding')).toBeNull();
    const page = await get('/?q=pretraining', 'gzip');
    expect(page.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await page.arrayBuffer())).toString('utf8')).toMatch(/^<!doctype html>/);
  });

  it('negotiates: gzip preferred, br without it, q=0 refuses, unknown encodings ignored', () => {
    expect(chooseEncoding('gzip, deflate, br')).toBe('gzip');
    expect(chooseEncoding('br')).toBe('br');
    expect(chooseEncoding('gzip;q=0, br;q=0.5')).toBe('br');
    expect(chooseEncoding('deflate, identity')).toBeUndefined();
    expect(chooseEncoding(undefined)).toBeUndefined();
  });
});
