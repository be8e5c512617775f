// Request body bound: rejects oversized bodies with 413 before anything parses them.
import { bodyLimit } from 'hono/body-limit';
import { ApiError } from '../errors.js';

export function limitBody(maxBytes: number) {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError(413, 'payload_too_large', `request body is larger than the ${maxBytes}-byte limit (PAPERSIFT_MAX_BODY_BYTES)`, { maxBytes });
    },
  });
}
