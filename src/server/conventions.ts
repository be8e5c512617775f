// HTTP conventions around the routes: security headers on HTML pages, 405 + Allow for a known path asked with
// the wrong method, ETag / If-None-Match on reads, and /favicon.ico. Kept out of app.ts so the wiring there stays one line each.
import { createHash, randomBytes } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from './context.js';
import { ApiError } from './errors.js';
import { clientJs } from './web/client.js';
import { css } from './web/styles.js';

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * The pages' only script and stylesheet are inline constants, so the policy allows exactly those by hash: no
 * other script, style, plugin or frame ancestor, forms post only here.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `script-src ${sha256(clientJs)}`,
  `style-src ${sha256(css)}`,
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Security headers on every answer (the page policy is harmless on JSON and keeps API answers from being framed
 * or run as a document). Set before the handler, so they are part of the response it creates: touching
 * `c.res.headers` afterwards costs an extra Headers object per request in @hono/node-server.
 */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    c.header('X-Frame-Options', 'DENY'); // frame-ancestors for browsers without CSP level 2
    c.header('Referrer-Policy', 'same-origin');
    await next();
  };
}

interface KnownRoute {
  method: string;
  path: string;
}

/** Turns a Hono route path (/api/papers/:id, /paper/*) into a matcher for request paths. */
function matcher(path: string): RegExp {
  const body = path
    .split('/')
    .map((seg) => (seg === '*' ? '.*' : seg.startsWith(':') ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${body}/?$`);
}

/**
 * For the not-found handler: the methods a path does answer to, when it answers to any. HEAD comes with GET
 * (Hono answers it from the GET handler); OPTIONS with any /api route when CORS is on (preflight).
 */
export function allowedMethods(routes: KnownRoute[]): (path: string) => string[] {
  const table = routes.filter((r) => r.method !== 'ALL' && !r.path.endsWith('*')).map((r) => ({ method: r.method, test: matcher(r.path) }));
  return (path) => {
    const methods = new Set(table.filter((r) => r.test.test(path)).map((r) => r.method));
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  };
}

/** 405 with Allow, as JSON like every other error. */
export function methodNotAllowed(c: Context<AppEnv>, allow: string[]): ApiError {
  return new ApiError(405, 'method_not_allowed', `${c.req.method} is not allowed on ${c.req.path}; allowed: ${allow.join(', ')}`, { allow }, { Allow: allow.join(', ') });
}

/**
 * Conditional GETs for reads: an answer depends only on the URL, the served generation and this process's
 * settings, so its ETag is derived from those (weak: `tookMs` differs) without rendering it, and a matching
 * If-None-Match is a 304 before any search runs. `no-cache`: clients revalidate, since a reindex can swap the
 * generation at any moment. `skip` lists paths whose answers change with time (stats: the generation's age).
 */
export function conditionalReads(skip: string[]): MiddlewareHandler<AppEnv> {
  const boot = randomBytes(6).toString('hex'); // a restart may come with other settings (ef, limits): new tags
  return async (c, next) => {
    const lease = c.get('lease');
    if ((c.req.method !== 'GET' && c.req.method !== 'HEAD') || !lease || skip.includes(c.req.path)) return next();
    const url = new URL(c.req.url);
    const tag = `W/"${lease.snapshot.generation}-${boot}-${createHash('sha1').update(url.pathname + url.search).digest('base64url').slice(0, 16)}"`;
    if (matches(c.req.header('if-none-match'), tag)) return c.body(null, 304, { ETag: tag, 'Cache-Control': 'no-cache' });
    c.header('ETag', tag); // before the handler: see securityHeaders
    c.header('Cache-Control', 'no-cache');
    await next();
    if (c.res.status === 200) return;
    c.res.headers.delete('ETag'); // errors are not revalidated (rare: the extra cost is fine here)
    c.res.headers.delete('Cache-Control');
  };
}

function matches(ifNoneMatch: string | undefined, tag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.trim() === '*' || ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === tag.replace(/^W\//, ''));
}
