// GET /openapi.json (the machine-readable contract) and GET /docs (the same document rendered for people).
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../context.js';
import { renderApiDocs, type OpenApiDocument } from '../web/api-docs.js';

const info = {
  openapi: '3.0.3',
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
  const document = () => (cached ??= app.getOpenAPIDocument(info) as unknown as OpenApiDocument);
  app.get('/openapi.json', (c) => c.json(document()));
  app.get('/docs', (c) => c.html(renderApiDocs(document())));
}
