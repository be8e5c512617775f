// POST /api/documents: add or replace a newsletter, then index it incrementally; the new papers are searchable
// when the call returns. Authenticated (Bearer API key). Body: JSON { name, text } or raw text/plain with ?name=.
import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv, RouteContext } from '../context.js';
import { requireApiKey } from '../auth.js';
import { ApiError, badRequest } from '../errors.js';
import { errorResponses } from './common.js';
import { limitBody } from './body.js';

export function registerDocuments(app: OpenAPIHono<AppEnv>, ctx: RouteContext): void {
  const route = createRoute({
    method: 'post',
    path: '/api/documents',
    tags: ['documents'],
    summary: 'Ingest a newsletter and index it (requires Authorization: Bearer <PAPERSIFT_API_KEY>)',
    security: [{ bearer: [] }],
    // auth first, so unauthenticated clients cannot make the server read large bodies
    middleware: [requireApiKey(ctx.apiKey), limitBody(ctx.maxBodyBytes)] as const,
    request: {
      query: ctx.schemas.DocumentQuery,
      body: {
        required: false,
        content: {
          'application/json': { schema: ctx.schemas.DocumentBody },
          'text/plain': { schema: { type: 'string', description: 'The raw newsletter; pass its name as ?name=' } },
        },
      },
    },
    responses: {
      200: { description: 'What the document added, updated and merged, and the generation now served', content: { 'application/json': { schema: ctx.schemas.DocumentResponse } } },
      ...errorResponses(400, 401, 403, 409, 413, 415),
    },
  });
  app.openapi(route, async (c) => {
    const writer = ctx.documents;
    if (!writer) throw new ApiError(403, 'forbidden', 'this server was started without document ingestion');
    const { name, text } = await readDocument(c.req.header('content-type'), c.req.valid('query').name, () => c.req.valid('json' as never) as { name?: string; text?: string }, () => c.req.arrayBuffer());
    const result = await writer.write(name, text);
    return c.json(result, 200);
  });
}

async function readDocument(
  contentType: string | undefined,
  queryName: string | undefined,
  json: () => { name?: string; text?: string },
  raw: () => Promise<ArrayBuffer>,
): Promise<{ name: string; text: string }> {
  if (contentType && /^application\/([a-z-.]+\+)?json/i.test(contentType)) {
    const body = json();
    if (queryName && body.name && queryName !== body.name) throw badRequest(`invalid query parameter "name": it differs from the body's "name" (${body.name})`);
    return { name: body.name!, text: body.text! };
  }
  if (!contentType) throw new ApiError(415, 'unsupported_media_type', 'send Content-Type: application/json ({ name, text }) or text/plain with ?name=');
  // the query schema already validated the name's form
  if (!queryName) throw badRequest('missing query parameter "name": a text/plain body needs ?name=<document name>');
  const text = decodeUtf8(await raw());
  if (!text.trim()) throw badRequest('invalid body: the document text is empty');
  return { name: queryName, text };
}

/** Newsletters are UTF-8; a body that is not would otherwise be ingested with U+FFFD in place of its text. */
function decodeUtf8(bytes: ArrayBuffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw badRequest('invalid body: the document is not valid UTF-8 text (convert it to UTF-8 first)');
  }
}
