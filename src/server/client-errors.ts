// Requests Node's HTTP parser rejects never reach the app (malformed request line or header, headers over the
// size limit, header timeout). Node would answer them with a bare status line; this answers with the API's JSON
// error shape instead, where the socket still allows writing.
import type { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import type { Logger } from '../log.js';
import { errorBody, type ErrorCode } from './errors.js';

const ANSWERS: Record<string, [status: number, reason: string, code: ErrorCode, message: string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'bad_request', 'request headers are larger than the server accepts'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'bad_request', 'the request was not received in time'],
};
const MALFORMED: [number, string, ErrorCode, string] = [400, 'Bad Request', 'bad_request', 'malformed HTTP request'];

/** `server`: the node:http server (@hono/node-server's ServerType); http2 servers emit no such event. */
export function answerClientErrors(server: EventEmitter, logger: Logger): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // a peer that went away cannot be answered
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const [status, reason, code, message] = ANSWERS[err.code ?? ''] ?? MALFORMED;
    logger.info({ code: err.code, status }, `client error: ${err.message}`);
    const body = JSON.stringify(errorBody(code, `${message} (${err.code ?? err.message})`));
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
