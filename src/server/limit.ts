// A cap on concurrent expensive requests (recommendations, related papers, deep search pages), shared by all of
// them: past it, answer 429 at once instead of queueing CPU work that would stall every other request behind it.
// Placed before the body is read and waiting one event-loop turn, so requests arriving together are counted together
// even though the work itself runs one at a time on the event loop.
import type { Context, MiddlewareHandler } from 'hono';
import { ApiError } from './errors.js';

export interface ExpensiveRequests {
  /** Middleware counting a request as expensive (`what` names it in the 429), or only those `applies` picks. */
  guard(what: string, applies?: (c: Context) => boolean): MiddlewareHandler;
}

export function expensiveRequests(max: number): ExpensiveRequests {
  let running = 0;
  return {
    guard: (what, applies) => async (c, next) => {
      if (applies && !applies(c)) return next();
      if (running >= max) {
        throw new ApiError(
          429,
          'too_many_requests',
          `too many expensive requests in progress (${what} counts as one; at most ${max} at a time); retry in a moment`,
          undefined,
          { 'Retry-After': '1' },
        );
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
