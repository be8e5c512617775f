/** @jsxImportSource hono/jsx */
// GET /docs: the OpenAPI document rendered as a readable reference, so people and /openapi.json never disagree.
// Self-contained (no CDN assets): the service must work on machines without internet.
import { raw } from 'hono/html';
import { css } from './styles.js';

interface SchemaObject {
  type?: string;
  description?: string;
  enum?: unknown[];
  items?: SchemaObject;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  $ref?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  default?: unknown;
  example?: unknown;
  anyOf?: SchemaObject[];
}
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: SchemaObject;
}
interface Operation {
  summary?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: SchemaObject }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: SchemaObject }> }>;
}
export interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, SchemaObject> };
}

/** A one-line type description: string(1..500), integer(1..100, default 10), Hit[], "hybrid" | "semantic" ... */
export function typeOf(s: SchemaObject | undefined): string {
  if (!s) return 'any';
  if (s.$ref) return s.$ref.split('/').pop()!;
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (s.anyOf) return s.anyOf.map(typeOf).join(' | ');
  if (s.type === 'array') return `${typeOf(s.items)}[]`;
  const bounds = [
    s.minimum !== undefined || s.maximum !== undefined ? `${s.minimum ?? ''}..${s.maximum ?? ''}` : '',
    s.minLength !== undefined || s.maxLength !== undefined ? `${s.minLength ?? 0}..${s.maxLength ?? ''} chars` : '',
    s.default !== undefined ? `default ${JSON.stringify(s.default)}` : '',
  ].filter(Boolean);
  return `${s.type ?? 'object'}${bounds.length ? ` (${bounds.join(', ')})` : ''}`;
}

function Fields({ schema }: { schema: SchemaObject }) {
  const props = Object.entries(schema.properties ?? {});
  if (!props.length) return <code>{typeOf(schema)}</code>;
  return (
    <table>
      <tr>
        <th>field</th>
        <th>type</th>
        <th>description</th>
      </tr>
      {props.map(([name, p]) => (
        <tr>
          <td>
            <code>{name}</code>
            {schema.required?.includes(name) ? ' *' : ''}
          </td>
          <td>{typeOf(p)}</td>
          <td>{p.description ?? ''}</td>
        </tr>
      ))}
    </table>
  );
}

function Endpoint({ method, path, op }: { method: string; path: string; op: Operation }) {
  const anchor = `${method}-${path}`.replace(/[^a-z0-9]+/gi, '-');
  return (
    <section id={anchor}>
      <h3>
        <code>
          {method.toUpperCase()} {path}
        </code>
        {op.security?.length ? ' 🔒' : ''}
      </h3>
      <p>{op.summary}</p>
      {op.parameters?.length ? (
        <table>
          <tr>
            <th>parameter</th>
            <th>in</th>
            <th>type</th>
            <th>description</th>
          </tr>
          {op.parameters.map((p) => (
            <tr>
              <td>
                <code>{p.name}</code>
                {p.required ? ' *' : ''}
              </td>
              <td>{p.in}</td>
              <td>{typeOf(p.schema)}</td>
              <td>{p.description ?? p.schema?.description ?? ''}</td>
            </tr>
          ))}
        </table>
      ) : null}
      {op.requestBody &&
        Object.entries(op.requestBody.content).map(([type, { schema }]) => (
          <div>
            <p>
              Body <code>{type}</code>: {schema.$ref ? <a href={`#schema-${typeOf(schema)}`}>{typeOf(schema)}</a> : schema.description ?? typeOf(schema)}
            </p>
          </div>
        ))}
      <p>Responses:</p>
      <ul>
        {Object.entries(op.responses).map(([status, r]) => {
          const schema = r.content?.['application/json']?.schema;
          return (
            <li>
              <b>{status}</b> {r.description}
              {schema && (
                <>
                  {' → '}
                  {schema.$ref ? <a href={`#schema-${typeOf(schema)}`}>{typeOf(schema)}</a> : typeOf(schema)}
                </>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

export function renderApiDocs(doc: OpenApiDocument) {
  const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
  const schemas = Object.entries(doc.components?.schemas ?? {});
  return (
    '<!doctype html>' +
    (
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{doc.info.title} reference</title>
          <style>{raw(css)}</style>
        </head>
        <body>
          <main class="wrap paper">
            <h1>
              {doc.info.title} <small>v{doc.info.version}</small>
            </h1>
            <p>{doc.info.description}</p>
            <p>
              Machine-readable: <a href="/openapi.json">/openapi.json</a>. Fields marked * are required; 🔒 needs{' '}
              <code>Authorization: Bearer &lt;PAPERSIFT_API_KEY&gt;</code>.
            </p>
            <ul>
              {ops.map(({ path, method, op }) => (
                <li>
                  <a href={`#${`${method}-${path}`.replace(/[^a-z0-9]+/gi, '-')}`}>
                    <code>
                      {method.toUpperCase()} {path}
                    </code>
                  </a>{' '}
                  {op.summary}
                </li>
              ))}
            </ul>
            {ops.map(({ path, method, op }) => (
              <Endpoint method={method} path={path} op={op} />
            ))}
            <h2>Schemas</h2>
            {schemas.map(([name, schema]) => (
              <section id={`schema-${name}`}>
                <h3>{name}</h3>
                {schema.description && <p>{schema.description}</p>}
                <Fields schema={schema} />
              </section>
            ))}
          </main>
        </body>
      </html>
    ).toString()
  );
}
