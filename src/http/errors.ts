/** @module One error body for every route, so clients parse failures one way. */

export interface ApiError {
  error: { code: string; message: string; path?: string };
}

/** `{ error: { code, message, path? } }`; `path` names the offending field, e.g. `alerts.3.attributes.amount_usd`. */
export function apiError(code: string, message: string, path?: string): ApiError {
  return { error: { code, message, ...(path ? { path } : {}) } };
}
