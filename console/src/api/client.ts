import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "./schema";
import { ApiError, type Problem } from "./problem";

let csrfToken: string | undefined;

/** The session's CSRF token, sent with every write: the session cookie alone never authorizes one. */
export function setCsrfToken(token: string | undefined) {
  csrfToken = token;
}

/** The session's CSRF token, for a write the typed client cannot make (an upload with progress events). */
export function getCsrfToken(): string | undefined {
  return csrfToken;
}

const unsafe = new Set(["POST", "PUT", "PATCH", "DELETE"]);

const csrf: Middleware = {
  onRequest({ request }) {
    if (csrfToken && unsafe.has(request.method)) {
      request.headers.set("X-CSRF-Token", csrfToken);
    }
    return request;
  },
};

/** The public /v1 API, typed from the gateway's OpenAPI document; the session cookie authenticates. */
export const api = createClient<paths>({ baseUrl: "", credentials: "same-origin" });
api.use(csrf);

/** The data of a call, or an {@link ApiError} carrying the gateway's problem. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) {
    throw new ApiError(result.response.status, result.error as Problem | undefined);
  }
  return result.data as T;
}
