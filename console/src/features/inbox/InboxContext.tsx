import { createContext, useCallback, useContext, useEffect, useMemo, useReducer, type Dispatch, type ReactNode } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useSignedIn } from "../../session/SessionContext";
import { inboxKeys, listMyConversations, type Conversation } from "./api";
import { emptyInbox, inboxReducer, parseMarks, totalUnread, type AgentEventData, type AgentEventType, type InboxAction, type InboxState } from "./inboxState";
import { useAgentEvents, type StreamStatus } from "./useAgentEvents";
import { windowAfterInbound } from "./replyWindow";

interface Inbox {
  state: InboxState;
  dispatch: Dispatch<InboxAction>;
  stream: StreamStatus;
  isLoading: boolean;
  error: unknown;
}

const InboxContext = createContext<Inbox | undefined>(undefined);

export function useInbox(): Inbox {
  const inbox = useContext(InboxContext);
  if (!inbox) throw new Error("useInbox is used outside InboxProvider");
  return inbox;
}

const title = "Inbox · Outbound";

/** The inbox's state for the agent's whole visit: the list, the live events and the unread counts. */
export function InboxProvider({ children }: { children: ReactNode }) {
  const session = useSignedIn();
  const queries = useQueryClient();
  const storageKey = `outbound.inbox.read.${session.agentId ?? ""}`;
  const [state, dispatch] = useReducer(inboxReducer, storageKey, (key) => ({ ...emptyInbox, marks: parseMarks(localStorage.getItem(key)) }));

  const list = useQuery({ queryKey: inboxKeys.conversations, queryFn: listMyConversations });
  useEffect(() => {
    if (list.data) dispatch({ type: "loaded", items: list.data });
  }, [list.data]);

  useEffect(() => {
    localStorage.setItem(storageKey, JSON.stringify(state.marks));
  }, [storageKey, state.marks]);

  const unread = totalUnread(state);
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) ${title}` : title;
    return () => { document.title = "Outbound"; };
  }, [unread]);

  const onEvent = useCallback((type: AgentEventType, data: AgentEventData) => {
    dispatch({ type: "event", event: type, data });
    if (type === "message" && data.entry) {
      const entry = data.entry;
      queries.setQueryData<Conversation>(inboxKeys.conversation(data.conversationId), (c) => {
        if (!c || c.transcript.some((e) => e.sequence === entry.sequence)) return c;
        const inbound = entry.kind === "inbound";
        return {
          ...c,
          transcript: [...c.transcript, entry],
          lastInboundAt: inbound ? entry.at : c.lastInboundAt,
          replyWindowEndsAt: inbound ? windowAfterInbound(entry.at, c.channelType) : c.replyWindowEndsAt,
        };
      });
    } else {
      // Assigned, transferred or closed: the list and that conversation changed on the server.
      void queries.invalidateQueries({ queryKey: inboxKeys.conversations });
      void queries.invalidateQueries({ queryKey: inboxKeys.conversation(data.conversationId) });
    }
  }, [queries]);
  const onOpen = useCallback(() => void queries.invalidateQueries({ queryKey: inboxKeys.conversations }), [queries]);
  const stream = useAgentEvents(onEvent, onOpen);

  const value = useMemo(() => ({ state, dispatch, stream, isLoading: list.isLoading, error: list.error }), [state, stream, list.isLoading, list.error]);
  return <InboxContext.Provider value={value}>{children}</InboxContext.Provider>;
}
