// The web pages count against the cap on expensive requests (issue 12, item 6) like the API they stand in for: a
// paper page (it lists related papers), a search page past result DEEP_SEARCH_RESULTS and the feed's
// recommendations. Refused, a page answers an HTML 429 with Retry-After (never the API's JSON); served again once
// the cap frees. A real `papersift serve` process with PAPERSIFT_MAX_CONCURRENT_EXPENSIVE=1; the one slot is held
// by a recommendation whose body is still arriving (the cap counts a request before its body is read).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request, type ClientRequest, type IncomingMessage } from 'node:http';
import { DEEP_SEARCH_RESULTS } from '../../src/server/app.js';
import { workspaces } from '../reindex/workspace.js';
import { startServer, until, type ServerProcess } from './serve-process.js';

const spaces = workspaces();
let server: ServerProcess;
let ids: string[];

beforeAll(async () => {
  const ws = await spaces.built();
  server = await startServer({ ...ws.env, PAPERSIFT_MAX_CONCURRENT_EXPENSIVE: '1' });
  await server.ready();
  const page = (await (await fetch(`${server.base}/api/papers?limit=3`)).json()) as { results: { id: string }[] };
  ids = page.results.map((p) => p.id);
}, 240_000);
afterAll(async () => {
  await server?.kill();
  await spaces.removeAll();
});

interface Answer {
  status: number;
  type: string;
  retryAfter: string | undefined;
  body: string;
}

const answer = (res: IncomingMessage) =>
  new Promise<Answer>((resolve) => {
    let body = '';
    res.on('data', (d: Buffer) => (body += d.toString()));
    res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']), retryAfter: res.headers['retry-after'] as string | undefined, body }));
  });

/** A request whose body is sent in two parts: the server has the headers (and counts the request) before the rest. */
function sendInTwoParts(path: string, body: string): { finish(): Promise<Answer> } {
  const [start, rest] = [body.slice(0, 10), body.slice(10)];
  let req!: ClientRequest;
  const done = new Promise<Answer>((resolve, reject) => {
    req = request(`${server.base}${path}`, { method: 'POST', agent: new Agent(), headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) =>
      resolve(answer(res)),
    );
    req.on('error', reject);
  });
  req.write(start);
  done.catch(() => undefined); // a failed test ends the server before the rest is sent: its answer is not awaited then
  return {
    finish: () => {
      req.end(rest);
      return done;
    },
  };
}

async function send(method: 'GET' | 'POST', path: string, body?: string): Promise<Answer> {
  const res = await fetch(`${server.base}${path}`, { method, ...(body ? { body, headers: { 'content-type': 'application/json' } } : {}) });
  return { status: res.status, type: res.headers.get('content-type') ?? '', retryAfter: res.headers.get('retry-after') ?? undefined, body: await res.text() };
}

const expectBusyPage = (a: Answer, what: string) => {
  expect(a.status, what).toBe(429);
  expect(a.type, what).toContain('text/html');
  expect(a.retryAfter, what).toBe('1');
  expect(a.body, what).toMatch(/too many expensive requests in progress/i);
  expect(a.body, what).not.toContain('"error"');
};

describe('pages under the cap on expensive requests', () => {
  it('refuse with an HTML 429 and Retry-After while the cap is taken, and are served once it frees', async () => {
    const paperPage = `/paper/${encodeURIComponent(ids[0]!)}`;
    const deepPage = `/?q=vision&offset=${DEEP_SEARCH_RESULTS}`;
    const feed = JSON.stringify({ positive: [ids[1]], limit: 5 });
    const held = sendInTwoParts('/api/recommend', JSON.stringify({ positive: [ids[2]], text: 'vision transformers', diversity: 1, limit: 20 }));
    // the held recommendation takes the slot once the server has read its headers
    const refused = await until('the held recommendation to take the only slot', async () => {
      const a = await send('GET', paperPage);
      return a.status === 429 ? a : undefined;
    }, 20_000);

    expectBusyPage(refused, 'paper page');
    expect(refused.body).toContain('<!doctype html>');
    expect(refused.body).toContain('a paper page counts as one');
    expect(refused.body).toMatch(/<meta http-equiv="refresh" content="1"/);
    const deep = await send('GET', deepPage);
    expectBusyPage(deep, 'search page past the first results');
    expect(deep.body).toContain(`a search past result ${DEEP_SEARCH_RESULTS} counts as one`);
    const cards = await send('POST', '/feed', feed);
    expectBusyPage(cards, 'feed recommendations');
    expect(cards.body).toContain('class="notice error"');
    // the API keeps its JSON refusal, and a first search page is not expensive
    const api = await send('POST', '/api/recommend', feed);
    expect([api.status, api.retryAfter]).toEqual([429, '1']);
    expect(JSON.parse(api.body)).toMatchObject({ error: { code: 'too_many_requests' } });
    expect((await send('GET', '/?q=vision')).status).toBe(200);

    expect((await held.finish()).status).toBe(200);
    const paper = await send('GET', paperPage);
    expect(paper.status).toBe(200);
    expect(paper.body.split('id="related-list"')[1]).toContain('href="/paper/'); // its related papers listed
    expect((await send('GET', deepPage)).status).toBe(200);
    const served = await send('POST', '/feed', feed);
    expect(served.status).toBe(200);
    expect(served.body).not.toContain('notice error');
  });
});
