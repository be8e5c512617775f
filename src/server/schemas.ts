// Request and response schemas of the HTTP API. They validate input (through @hono/zod-openapi routes) and
// generate /openapi.json and the /docs reference page, so the contract is written down exactly once.
// Request schemas depend on the configured bounds, hence the factory.
import { z } from '@hono/zod-openapi';
import { ISO_DATE, ISO_TIMESTAMP } from '../search/filters.js';
import { MAX_RECOMMEND_SEEDS } from '../search/validate.js';
import { MAX_DEPTH } from '../search/retrieve.js';
import { FACETS } from '../search/types.js';

export interface ApiLimits {
  maxQueryChars: number;
  maxLimit: number;
  maxBodyBytes: number;
}

/** Largest offset accepted for pagination: a search ranks MAX_DEPTH papers deep, no page starts past that. */
export const MAX_OFFSET = MAX_DEPTH;
/** Longest paper reference accepted (ids, DOIs, URLs). */
export const MAX_ID_CHARS = 300;
/** Longest id list accepted in a recommend request. */
export const MAX_IDS = 100;

// ---------- shared pieces ----------

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'bad_request' }),
      message: z.string().openapi({ example: 'invalid query parameter "limit": must be <= 100' }),
      details: z.unknown().optional(),
    }),
  })
  .openapi('Error');

const LinkSchema = z.object({ kind: z.enum(['paper', 'pdf', 'code', 'hub', 'other']), url: z.string() }).openapi('Link');

const SourceRefSchema = z
  .object({
    document: z.string(),
    documentTitle: z.string().optional(),
    issue: z.string().optional(),
    format: z.enum(['weekly', 'daily']),
    section: z.string().optional(),
    position: z.number().int(),
    line: z.number().int(),
  })
  .openapi('SourceRef');

const TitleSchema = z.object({ en: z.string().optional(), zh: z.string().optional() });
const ViewSchema = z.enum(['en', 'zh']);

export const PaperSchema = z
  .object({
    id: z.string().openapi({ example: 'arxiv:2209.11055' }),
    arxivId: z.string().optional(),
    doi: z.string().optional(),
    title: TitleSchema,
    authors: z.array(z.string()),
    affiliations: z.array(z.string()),
    categories: z.array(z.string()),
    summary: z.object({ zh: z.string().optional(), en: z.string().optional() }),
    links: z.array(LinkSchema),
    sources: z.array(SourceRefSchema),
    date: z.string().optional(),
  })
  .openapi('Paper');

const ChannelSchema = z.object({ rank: z.number().int(), score: z.number(), view: ViewSchema.optional() });

export const ExplanationSchema = z
  .object({
    semantic: ChannelSchema.extend({ views: z.array(z.object({ view: ViewSchema, score: z.number() })) }).optional(),
    lexical: ChannelSchema.optional(),
    idMatch: z.string().optional(),
    matchedTerms: z.array(z.string()),
    snippets: z.object({ en: z.string().optional(), zh: z.string().optional() }).openapi({
      description: 'Matched terms wrapped in <mark>…</mark>; all other text is HTML-escaped.',
    }),
  })
  .openapi('Explanation');

export const HitSchema = z
  .object({
    id: z.string(),
    arxivId: z.string().optional(),
    doi: z.string().optional(),
    title: TitleSchema,
    authors: z.array(z.string()),
    categories: z.array(z.string()),
    links: z.array(LinkSchema),
    sources: z.array(SourceRefSchema),
    score: z.number(),
    lowConfidence: z.boolean(),
    explanation: ExplanationSchema,
  })
  .openapi('Hit');

const ParsedQuerySchema = z
  .object({
    text: z.string().openapi({ description: 'The free text the channels rank.' }),
    authors: z.array(z.string()),
    title: z.array(z.string()),
    categories: z.array(z.string()),
    years: z.array(z.object({ from: z.number().int(), to: z.number().int() })),
    phrases: z.array(z.string()),
    exclude: z.array(z.string()),
  })
  .openapi('ParsedQuery', { description: 'The query as understood: au:, ti:, cat:, year:, "phrases" and -exclusions taken out of the text.' });

const FacetValueSchema = z.object({ value: z.string(), count: z.number().int() }).openapi('FacetValue');

const FACET_LIST = new RegExp(`^(${FACETS.join('|')})(,(${FACETS.join('|')}))*$`);

// ---------- request pieces ----------

const isoDate = z.string().regex(ISO_DATE, 'expected an ISO date YYYY-MM or YYYY-MM-DD');

/** A filter that may be repeated (?category=CV&category=LG) or comma-separated (?category=CV,LG). */
const multi = (description: string) =>
  z
    .union([z.string().max(500), z.array(z.string().max(500)).max(50)])
    .optional()
    // documented as what clients send: a repeated parameter (form, exploded); a comma-separated value also works
    .openapi({ description, type: 'array', items: { type: 'string', maxLength: 500 }, maxItems: 50, param: { style: 'form', explode: true } });

const filterQuery = {
  category: multi('Only papers with any of these tags (e.g. CV, LG, CL); repeat or comma-separate.'),
  source: multi('Only papers from these documents (file name) or newsletter kinds (weekly | daily).'),
  from: isoDate.optional().openapi({ description: 'Earliest paper date, inclusive (YYYY-MM or YYYY-MM-DD).' }),
  to: isoDate.optional().openapi({ description: 'Latest paper date, inclusive (YYYY-MM or YYYY-MM-DD).' }),
};

const FiltersBody = z
  .object({
    category: z.array(z.string().max(100)).max(50).optional(),
    source: z.array(z.string().max(300)).max(50).optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    views: z.array(ViewSchema).optional(),
  })
  .strict()
  .openapi('Filters');

const paperRef = z
  .string()
  .min(1)
  .max(MAX_ID_CHARS)
  .openapi({ description: 'Canonical id (arxiv:2209.11055), bare arXiv id, or DOI (URL-encode the slash).', example: 'arxiv:2209.11055' });

export function apiSchemas(limits: ApiLimits) {
  const limit = (dflt: number) =>
    z.coerce
      .number()
      .int()
      .min(1)
      .max(limits.maxLimit)
      .openapi({ description: `Page size, 1..${limits.maxLimit}.` })
      .default(Math.min(dflt, limits.maxLimit));
  const offset = z.coerce
    .number()
    .int()
    .min(0)
    .max(MAX_OFFSET)
    .openapi({ description: `Results to skip, 0..${MAX_OFFSET}.` })
    .default(0);

  const SearchQuery = z.object({
    q: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(limits.maxQueryChars)
      .openapi({ description: `The query: Chinese, English or mixed; an arXiv id or DOI also works (1..${limits.maxQueryChars} chars).`, example: '少样本学习' }),
    limit: limit(10),
    offset,
    mode: z.enum(['hybrid', 'semantic', 'lexical']).default('hybrid').openapi({ description: 'Retrieval channels to use.' }),
    ...filterQuery,
    sort: z.enum(['relevance', 'date']).default('relevance').openapi({ description: 'relevance, or date: newest first (ties by relevance, undated papers last).' }),
    since: z
      .string()
      .max(40)
      .refine((v) => ISO_DATE.test(v) || ISO_TIMESTAMP.test(v) || /^\d{1,9}$/.test(v), 'expected YYYY-MM-DD, YYYY-MM, an ISO timestamp (2026-11-30T09:15:00Z) or a generation number')
      .optional()
      .openapi({
        description:
          'Only papers first seen after this date (YYYY-MM-DD or YYYY-MM: after that whole day or month), instant (ISO timestamp), ' +
          'or index generation (a number: papers first added in a later generation; only generations still kept). ' +
          'A paper is first seen when the earliest newsletter carrying it was ingested.',
        example: '2026-11-30T09:15:00Z',
      }),
    facets: z
      .string()
      .max(100)
      .regex(FACET_LIST, `expected a comma-separated list of ${FACETS.join(', ')}`)
      .optional()
      .openapi({ description: `Value counts to return (comma-separated: ${FACETS.join(', ')}); each respects the query and every filter except its own.`, example: 'category,source,year' }),
  });

  const SearchResponse = z
    .object({
      query: z.string(),
      mode: z.enum(['hybrid', 'semantic', 'lexical']),
      total: z.number().int().openapi({ description: `Answers in the query's one ranking (pages are slices of it), at most ${MAX_DEPTH}.` }),
      totalCapped: z.boolean().openapi({ description: `The ranking stopped at ${MAX_DEPTH} papers: more may match.` }),
      parsed: ParsedQuerySchema,
      facets: z.object(Object.fromEntries(FACETS.map((f) => [f, z.array(FacetValueSchema).optional()])) as Record<(typeof FACETS)[number], z.ZodOptional<z.ZodArray<typeof FacetValueSchema>>>).optional().openapi({ description: 'Counts per value, by count then value (when `facets` was asked for).' }),
      lowConfidence: z.boolean(),
      tookMs: z.number(),
      embedder: z.string(),
      results: z.array(HitSchema),
    })
    .openapi('SearchResponse');

  const PaperParams = z.object({ id: paperRef.openapi({ param: { name: 'id', in: 'path' } }) });

  const RelatedQuery = z.object({ limit: limit(10), ...filterQuery });
  const RelatedResponse = z.object({ paper: PaperSchema, results: z.array(HitSchema) }).openapi('RelatedResponse');

  const BrowseQuery = z.object({ limit: limit(20), offset, ...filterQuery });
  const BrowseResponse = z
    .object({ total: z.number().int(), limit: z.number().int(), offset: z.number().int(), results: z.array(PaperSchema) })
    .openapi('BrowseResponse');

  const RecommendBody = z
    .object({
      positive: z.array(paperRef).min(1).max(MAX_RECOMMEND_SEEDS).openapi({ description: `Papers the reader liked (at most ${MAX_RECOMMEND_SEEDS}).` }),
      negative: z.array(paperRef).max(MAX_RECOMMEND_SEEDS).optional().openapi({ description: `Papers to steer away from (at most ${MAX_RECOMMEND_SEEDS}).` }),
      text: z.string().trim().min(1).max(limits.maxQueryChars).optional().openapi({ description: 'Free text describing the interest.' }),
      exclude: z.array(paperRef).max(MAX_IDS).optional().openapi({ description: 'Papers never to return (e.g. already read).' }),
      limit: z.number().int().min(1).max(limits.maxLimit).optional(),
      filters: FiltersBody.optional(),
      diversity: z.number().min(0).max(1).optional().openapi({ description: '0 = pure relevance, 1 = maximal diversity (MMR).' }),
    })
    .strict()
    .openapi('RecommendRequest');
  const RecommendResponse = z
    .object({ results: z.array(HitSchema), unknownIds: z.array(z.string()) })
    .openapi('RecommendResponse');

  const DocumentBody = z
    .object({
      name: documentName,
      text: z.string().min(1, 'must not be empty').openapi({ description: 'The newsletter text (weekly or daily format).' }),
    })
    .strict()
    .openapi('DocumentRequest');
  const DocumentQuery = z.object({
    name: documentName.optional().openapi({ description: 'Document name; required when the body is text/plain.' }),
  });
  const DocumentResponse = z
    .object({
      document: z.object({ name: z.string(), status: z.enum(['new', 'changed', 'unchanged', 'failed', 'removed']), papers: z.number().int() }),
      added: z.array(z.string()),
      updated: z.array(z.string()),
      merged: z.array(z.string()),
      removed: z.array(z.string()),
      unchanged: z.number().int(),
      warnings: z.array(z.object({ file: z.string(), line: z.number().int(), message: z.string() })),
      generation: z.string(),
      tookMs: z.number(),
    })
    .openapi('DocumentResponse');

  const Degraded = z
    .object({ current: z.string(), reason: z.string() })
    .openapi('Degraded', { description: 'CURRENT names a generation that cannot be served; an older one is served until a reindex repairs it' });

  const StatsResponse = z
    .object({
      papers: z.number().int(),
      documents: z.number().int(),
      vectors: z.number().int(),
      embedder: z.object({ id: z.string(), dimensions: z.number().int() }),
      generation: z.object({ name: z.string(), builtAt: z.string().optional(), ageSeconds: z.number().optional() }),
      degraded: Degraded.optional(),
      loadedAt: z.string(),
      categories: z.record(z.string(), z.number().int()),
    })
    .openapi('Stats');

  const HealthResponse = z
    .object({ status: z.enum(['ready', 'not ready']), generation: z.string().optional(), reason: z.string().optional(), degraded: Degraded.optional() })
    .openapi('Health');

  const LiveResponse = z.object({ status: z.literal('live'), uptimeSeconds: z.number().int() }).openapi('Live');

  return {
    SearchQuery,
    SearchResponse,
    PaperParams,
    RelatedQuery,
    RelatedResponse,
    BrowseQuery,
    BrowseResponse,
    RecommendBody,
    RecommendResponse,
    DocumentBody,
    DocumentQuery,
    DocumentResponse,
    StatsResponse,
    HealthResponse,
    LiveResponse,
  };
}

export type ApiSchemas = ReturnType<typeof apiSchemas>;

/** Document names end up in source references and logs: keep them short, printable and path-free. */
export const documentName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^/\\\u0000-\u001f]+$/, 'must not contain slashes or control characters')
  .refine((s) => s !== '.' && s !== '..', 'must not be "." or ".."')
  .openapi({ example: 'weekly-pretraining-no60.txt' });

/** Normalises a repeated / comma-separated filter value into a list (undefined when empty). */
export function listParam(v: string | string[] | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  const items = (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
  return items.length ? items : undefined;
}

/** Formats zod issues as one readable sentence naming each offending parameter. */
export function describeIssues(where: string, issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues
    .map((i) => {
      const name = i.path.map(String).join('.');
      return name ? `invalid ${where} "${name}": ${i.message}` : `invalid ${where}: ${i.message}`;
    })
    .join('; ');
}
