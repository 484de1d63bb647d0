import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { loadSession, signIn as exchange, signOut as end, type Session } from "./session";

interface SessionState {
  /** undefined while loading; null when signed out. */
  session: Session | null | undefined;
  signIn(apiKey: string): Promise<Session>;
  signOut(): Promise<void>;
  /** Forgets the session after the gateway refused it (expired or its key revoked). */
  expired(): void;
}

const SessionContext = createContext<SessionState | undefined>(undefined);

export function SessionProvider({ children, sessionEnded }: { children: ReactNode; sessionEnded?: EventTarget }) {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const queries = useQueryClient();

  useEffect(() => {
    loadSession().then(setSession, () => setSession(null));
  }, []);

  const signIn = useCallback(async (apiKey: string) => {
    const s = await exchange(apiKey);
    queries.clear();
    setSession(s);
    return s;
  }, [queries]);

  const signOut = useCallback(async () => {
    await end();
    queries.clear();
    setSession(null);
  }, [queries]);

  const expired = useCallback(() => setSession(null), []);

  useEffect(() => {
    if (!sessionEnded) return;
    sessionEnded.addEventListener("ended", expired);
    return () => sessionEnded.removeEventListener("ended", expired);
  }, [sessionEnded, expired]);

  const value = useMemo(() => ({ session, signIn, signOut, expired }), [session, signIn, signOut, expired]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error("useSession is used outside SessionProvider");
  return state;
}

/** The signed-in session; only pages behind the sign-in use this. */
export function useSignedIn(): Session {
  const { session } = useSession();
  if (!session) throw new Error("useSignedIn is used outside a signed-in page");
  return session;
}
