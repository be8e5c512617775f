// A cap on concurrent expensive requests (recommendations, related papers, deep search pages, paper pages), shared by
// all of them: past it, answer 429 at once instead of queueing CPU work that would stall every other request behind it.
// Placed before the body is read and waiting one event-loop turn, so requests arriving together are counted together
// even though the work itself runs one at a time on the event loop.
import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from './errors.js';

/** How soon a refused client may try again: expensive requests take tens of milliseconds, not seconds. */
const RETRY_AFTER_SECONDS = 1;

/** Answers a request past the cap; `message` says why, in the API's words. */
export type Refuse = (c: Context, message: string, retryAfterSeconds: number) => Response | Promise<Response>;

/** The API's answer: a JSON 429 with Retry-After (through the app's error handler). */
const refuseJson: Refuse = (_c, message, retryAfterSeconds) => {
  throw new ApiError(429, 'too_many_requests', message, undefined, { 'Retry-After': String(retryAfterSeconds) });
};

export interface ExpensiveRequests {
  /**
   * Middleware counting a request as expensive (`what` names it in the refusal), or only those `applies` picks;
   * `refuse` answers one past the cap (default: the API's JSON 429; pages answer with an HTML page).
   */
  guard(what: string, applies?: (c: Context) => boolean, refuse?: Refuse): MiddlewareHandler;
}

export function expensiveRequests(max: number): ExpensiveRequests {
  let running = 0;
  return {
    guard: (what, applies, refuse = refuseJson) => async (c, next) => {
      if (applies && !applies(c)) return next();
      if (running >= max) {
        return refuse(c, `too many expensive requests in progress (${what} counts as one; at most ${max} at a time); retry in a moment`, RETRY_AFTER_SECONDS);
      }
      running++;
      try {
        // one event-loop turn first: the handlers' other awaits (body, validation) resolve without one, so without it
        // requests that arrived together would run one after another to completion, never in progress together, and
        // never be refused; and the cheap requests that arrived with them are answered before the expensive work
        await new Promise((resolve) => setImmediate(resolve));
        await next();
      } finally {
        running--;
      }
    },
  };
}
