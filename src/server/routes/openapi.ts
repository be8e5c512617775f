// GET /openapi.json (the machine-readable contract) and GET /docs (the same document rendered for people).
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../context.js';
import { renderApiDocs, type OpenApiDocument } from '../web/api-docs.js';

const info = {
  openapi: '3.0.3',
  servers: [{ url: '/', description: 'this service' }],
  security: [], // reads are open; the write operation names its bearer scheme itself
  info: {
    title: 'papersift API',
    version: '1.0.0',
    description:
      'Semantic search and recommendations over Chinese/English ML paper newsletters. Errors are always ' +
      '{ "error": { "code", "message", "details"? } }. Reads are open; writes need Authorization: Bearer <PAPERSIFT_API_KEY>.',
  },
};

export function registerOpenApi(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  let cached: OpenApiDocument | undefined;
  // the routes are fixed once the app is built, so the document is generated once, on first use
  const document = () => (cached ??= lintClean(app.getOpenAPIDocument(info) as unknown as OpenApiDocument));
  app.get('/openapi.json', (c) => c.json(document()));
  app.get('/docs', (c) => c.html(renderApiDocs(document())));
}

/** Stable names for clients generated from the document (`redocly lint`: operation-operationId). */
const OPERATION_IDS: Record<string, string> = {
  'get /health': 'getReadiness',
  'get /health/live': 'getLiveness',
  'get /api/stats': 'getStats',
  'get /api/search': 'searchPapers',
  'get /api/papers': 'browsePapers',
  'get /api/papers/{id}': 'getPaper',
  'get /api/papers/{id}/related': 'getRelatedPapers',
  'post /api/recommend': 'recommendPapers',
  'post /api/documents': 'ingestDocument',
};

/**
 * What the generator leaves for `redocly lint` to reject or misleads clients with: operations without an
 * operationId (named from the table, else from method and path), nullable query parameters, and `nullable` without
 * a `type`, which zod-openapi writes for z.unknown() but which OpenAPI 3.0 spells as the any-schema `{}`.
 */
export function lintClean(doc: OpenApiDocument): OpenApiDocument {
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(operations)) {
      // a query parameter is a string or absent, never null: z.coerce.number().min(0) accepts null (-> 0), and
      // the generator documents that as nullable
      for (const p of (op as { parameters?: { in: string; schema?: { nullable?: boolean } }[] }).parameters ?? []) if (p.in === 'query') delete p.schema?.nullable;
      (op as { operationId?: string }).operationId ??= OPERATION_IDS[`${method} ${path}`] ?? `${method}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_, ch?: string) => (ch ?? '').toUpperCase())}`;
    }
  }
  dropUntypedNullable(doc);
  return doc;
}

function dropUntypedNullable(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(dropUntypedNullable);
  if (!node || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  if (o.nullable === true && !('type' in o) && !('$ref' in o) && !('allOf' in o) && !('anyOf' in o) && !('oneOf' in o)) delete o.nullable;
  Object.values(o).forEach(dropUntypedNullable);
}
