// Shared OpenAPI response declarations for the error statuses a route can return.
import { ErrorSchema } from '../schemas.js';

const descriptions: Record<number, string> = {
  400: 'Invalid parameter (the message names it)',
  401: 'Missing credentials',
  403: 'Wrong credentials, or write endpoints disabled (no API key configured)',
  404: 'Unknown paper',
  409: 'Another writer (e.g. the nightly reindex) holds the data lock; retry later',
  413: 'Request body too large',
  415: 'Unsupported content type',
  429: 'Too many expensive requests in progress (see Retry-After)',
  503: 'Index not ready yet (see Retry-After)',
};

export function errorResponses(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((s) => [s, { description: descriptions[s] ?? 'Error', content: { 'application/json': { schema: ErrorSchema } } }]),
  ) as Record<number, { description: string; content: { 'application/json': { schema: typeof ErrorSchema } } }>;
}
