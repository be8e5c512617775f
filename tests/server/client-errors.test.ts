// Requests Node's HTTP parser rejects get the API's JSON error shape. Raw bytes over a socket to a real listener.
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { answerClientErrors } from '../../src/server/client-errors.js';

let server: ServerType;
let port: number;
beforeAll(async () => {
  const app = new Hono().get('/', (c) => c.text('ok'));
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  answerClientErrors(server, silentLogger);
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

/** Sends raw bytes and returns everything the server answers before closing. */
function raw(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    socket.on('data', (d) => (out += d.toString()));
    socket.on('end', () => resolve(out));
    socket.on('error', reject);
  });
}

function parse(response: string) {
  const [head, body] = response.split('\r\n\r\n');
  return { statusLine: head!.split('\r\n')[0], head: head!, body: JSON.parse(body!) as { error: { code: string; message: string } } };
}

describe('errors raised by the HTTP parser', () => {
  it('a malformed header line is a 400 with a JSON body', async () => {
    const r = parse(await raw('GET / HTTP/1.1\r\nHost: x\r\nthis is not a header\r\n\r\n'));
    expect(r.statusLine).toBe('HTTP/1.1 400 Bad Request');
    expect(r.head).toMatch(/content-type: application\/json/i);
    expect(r.body.error).toEqual({ code: 'bad_request', message: expect.stringMatching(/^malformed HTTP request \(HPE_/) });
  });

  it('headers over the limit are a 431 with a JSON body', async () => {
    const r = parse(await raw(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
    expect(r.statusLine).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(r.body.error.message).toBe('request headers are larger than the server accepts (HPE_HEADER_OVERFLOW)');
  });

  it('a well-formed request still reaches the app', async () => {
    expect(await raw('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toMatch(/^HTTP\/1\.1 200 OK[\s\S]*\r\n\r\nok$/);
  });
});
