// Write endpoints need `Authorization: Bearer <PAPERSIFT_API_KEY>`. With no key configured they are disabled
// (403), never open. The comparison hashes both sides first so timingSafeEqual always sees equal lengths and
// the time taken does not reveal how much of the key matched (or its length).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { ApiError } from './errors.js';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export function keyMatches(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

export function requireApiKey(apiKey: string | undefined): MiddlewareHandler {
  const expected = apiKey ? apiKey : undefined;
  return async (c, next) => {
    if (!expected) {
      throw new ApiError(403, 'forbidden', 'write endpoints are disabled: no PAPERSIFT_API_KEY is configured on the server');
    }
    const header = c.req.header('authorization');
    const token = header?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
    if (!token) {
      throw new ApiError(401, 'unauthorized', 'missing credentials: send "Authorization: Bearer <api key>"', undefined, {
        'WWW-Authenticate': 'Bearer realm="papersift"',
      });
    }
    if (!keyMatches(token, expected)) throw new ApiError(403, 'forbidden', 'wrong credentials: the API key does not match');
    await next();
  };
}
