import { ApiError, type Problem } from "../api/problem";
import { setCsrfToken } from "../api/client";

/** Who is signed in: the org, the key's scope and, for an agent key, the agent. */
export interface Session {
  orgId: string;
  scope: "admin" | "send" | "agent";
  agentId?: string | null;
  expiresAt: string;
  csrfToken?: string | null;
}

async function call(method: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch("/v1/session", { method, credentials: "same-origin", headers, cache: "no-store" });
}

async function problem(response: Response): Promise<ApiError> {
  let p: Problem | undefined;
  try {
    p = (await response.json()) as Problem;
  } catch {
    p = undefined;
  }
  return new ApiError(response.status, p);
}

/** The current session, or null when the browser has none (or it expired). */
export async function loadSession(): Promise<Session | null> {
  const response = await call("GET");
  if (response.status === 401) {
    setCsrfToken(undefined);
    return null;
  }
  if (!response.ok) throw await problem(response);
  const session = (await response.json()) as Session;
  setCsrfToken(session.csrfToken ?? undefined);
  return session;
}

/** Exchanges an API key for a session cookie; the key itself is kept nowhere in the browser. */
export async function signIn(apiKey: string): Promise<Session> {
  const response = await call("POST", { Authorization: `Bearer ${apiKey}` });
  if (!response.ok) throw await problem(response);
  const session = (await response.json()) as Session;
  setCsrfToken(session.csrfToken ?? undefined);
  return session;
}

/** Removes the cookie; an already ended session has nothing to remove, so a refusal is not an error here. */
export async function signOut(csrfToken: string | null | undefined): Promise<void> {
  await call("DELETE", csrfToken ? { "X-CSRF-Token": csrfToken } : {});
  setCsrfToken(undefined);
}
