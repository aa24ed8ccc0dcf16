// The admin API seen from the page. The admin token lives in this tab's sessionStorage only:
// it is sent in the Authorization header, never in a URL, and is gone when the tab closes.

const TOKEN = 'tally.adminToken';

/** An answer that was not 2xx, with the API's own message when it gave one. */
export class ApiError extends Error {
  constructor(status, message, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN);
}

export function setToken(value) {
  sessionStorage.setItem(TOKEN, value);
}

export function clearToken() {
  sessionStorage.removeItem(TOKEN);
}

/** Called with the ApiError when the API refuses the token (401/403) on any request. */
let onUnauthorized = () => {};
export function whenUnauthorized(handler) {
  onUnauthorized = handler;
}

/**
 * GET path with params (arrays repeat the parameter; empty values are left out), as JSON.
 * Throws ApiError on a non-2xx answer or when the gateway cannot be reached.
 */
export async function get(path, params = {}, withToken = token()) {
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v !== undefined && v !== null && v !== '') url.searchParams.append(name, v);
    }
  }
  let response;
  try {
    response = await fetch(url, {
      headers: {'Authorization': 'Bearer ' + (withToken || ''), 'Accept': 'application/json'},
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch (e) {
    throw new ApiError(0, 'The gateway could not be reached: ' + e.message, 'network');
  }
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch (e) {
    if (response.ok) throw new ApiError(response.status, `${path}: the answer is not JSON`, 'bad_answer');
  }
  if (!response.ok) {
    const error = body && (body.error || body);
    const message = (error && (error.message || (typeof error === 'string' ? error : null))) || `${path}: HTTP ${response.status}`;
    const failure = new ApiError(response.status, message, error && (error.code || error.type));
    if ((response.status === 401 || response.status === 403) && withToken === token()) onUnauthorized(failure);
    throw failure;
  }
  return body;
}
