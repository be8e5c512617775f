// Response compression for clients that ask for it: gzip, or brotli for clients without gzip, for text and JSON
// bodies of 1 KiB and more. gzip first: on a 14 KB page of search results gzip -6 gives 5.4 KB and brotli -4
// 5.6 KB, and under load the brotli path served fewer requests per second (see docs/service.md). Bodies are small (a page of
// results), so they are compressed whole, off the event loop by zlib's thread pool. Clients that send no
// Accept-Encoding (scripts, benchmarks) keep the uncompressed fast path untouched.
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.js';

const MIN_BYTES = 1024;
const COMPRESSIBLE = /^(text\/|application\/(json|javascript|xml))/;
const encoders = {
  br: (b: Buffer) => promisify(brotliCompress)(b, { params: { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_SIZE_HINT]: b.length } }),
  gzip: (b: Buffer) => promisify(gzip)(b, { level: 6 }),
};

/** The encoding to use: gzip over br when both are accepted (q=0 refuses one). */
export function chooseEncoding(acceptEncoding: string | undefined): keyof typeof encoders | undefined {
  const accepted = new Map(
    (acceptEncoding ?? '').split(',').map((part) => {
      const [name, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)/.exec(p)?.[1]).find(Boolean);
      return [name!, q === undefined ? 1 : Number(q)] as const;
    }),
  );
  return (['gzip', 'br'] as const).find((e) => (accepted.get(e) ?? 0) > 0);
}

export function compression(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const encoding = chooseEncoding(c.req.header('accept-encoding'));
    // Vary only where the answer may be compressed: an uncompressed one suits every client, so caches may share it.
    // Set before the handler, so the fast path gets no Headers object per request.
    if (encoding) c.header('Vary', 'Accept-Encoding', { append: true });
    await next();
    const res = c.res;
    if (!encoding || c.req.method === 'HEAD' || res.status === 204 || res.status === 304 || res.headers.has('content-encoding')) return;
    if (!COMPRESSIBLE.test(res.headers.get('content-type') ?? '')) return;
    const body = Buffer.from(await res.arrayBuffer());
    const headers = new Headers(res.headers);
    if (body.length < MIN_BYTES) {
      c.res = new Response(body, { status: res.status, headers }); // the body was read: answer it as it was
      return;
    }
    const compressed = await encoders[encoding](body);
    headers.set('Content-Encoding', encoding);
    headers.set('Content-Length', String(compressed.length));
    c.res = new Response(compressed, { status: res.status, headers });
  };
}
