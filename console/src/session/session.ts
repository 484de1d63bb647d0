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

async function call(method: string, body?: unknown): Promise<Response> {
  return fetch("/v1/session", {
    method,
    credentials: "same-origin",
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
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
  const response = await call("POST", { apiKey });
  if (!response.ok) throw await problem(response);
  const session = (await response.json()) as Session;
  setCsrfToken(session.csrfToken ?? undefined);
  return session;
}

export async function signOut(): Promise<void> {
  await call("DELETE");
  setCsrfToken(undefined);
}
