/**
 * @module State-changing requests must say `Content-Type: application/json`, even with an empty
 * body. A web page can make a browser send `text/plain`, form or multipart bodies to any address
 * without asking it first (a CORS "simple request"); `application/json` needs a preflight, which
 * this server never grants.
 */
import type { Context } from 'hono';
import { apiError } from './errors.ts';

export const JSON_MEDIA_TYPE = 'application/json';

/** True for `application/json`, in any case, with or without parameters such as `charset`. */
export function isJsonContentType(header: string | undefined): boolean {
  return header !== undefined && header.split(';')[0].trim().toLowerCase() === JSON_MEDIA_TYPE;
}

/** The 415 `unsupported_media_type` answer when the request is not declared JSON; undefined when it is. */
export function refuseNonJson(c: Context): Response | undefined {
  const sent = c.req.header('content-type');
  if (isJsonContentType(sent)) return undefined;
  const got = sent === undefined || sent.trim() === '' ? 'none' : `'${sent}'`;
  return c.json(apiError('unsupported_media_type', `${c.req.method} ${c.req.path} needs 'Content-Type: ${JSON_MEDIA_TYPE}' (got ${got}), even with an empty body: `
    + 'any web page can make a browser send other types here'), 415);
}
