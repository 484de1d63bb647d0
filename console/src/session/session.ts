import { api, setCsrfToken, unwrap } from "../api/client";
import { ApiError } from "../api/problem";
import type { components } from "../api/schema";

/** Who is signed in: the org, the key's scope and, for an agent key, the agent; and the token writes carry. */
export type Session = components["schemas"]["SessionResponse"];

function keep(session: Session): Session {
  setCsrfToken(session.csrfToken ?? undefined);
  return session;
}

/** The current session, or null when the browser has none (or it ended). */
export async function loadSession(): Promise<Session | null> {
  try {
    return keep(unwrap(await api.GET("/v1/session", { cache: "no-store" })));
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      setCsrfToken(undefined);
      return null;
    }
    throw e;
  }
}

/** Exchanges an API key for a session cookie: the key goes in this one request and is kept nowhere in the browser. */
export async function signIn(apiKey: string): Promise<Session> {
  return keep(unwrap(await api.POST("/v1/session", { headers: { Authorization: `Bearer ${apiKey}` } })));
}

/** Removes the cookie; an already ended session has nothing to remove, so a refusal is not an error here. */
export async function signOut(): Promise<void> {
  await api.DELETE("/v1/session");
  setCsrfToken(undefined);
}
