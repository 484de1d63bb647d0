import type { components } from "../../api/schema";

export type AgentConversation = components["schemas"]["AgentConversationResponse"];
export type AgentEventData = components["schemas"]["AgentEventData"];
export type AgentEventType = "assigned" | "message" | "transferred" | "closed";

/** A conversation the agent holds, as the inbox shows it. */
export interface InboxConversation {
  id: string;
  customer: string;
  assignedAt: string;
  /** When the customer last wrote, as far as the inbox heard; the list is newest activity first. */
  lastActivityAt: string;
  /** The customer's last message, when the event stream carried it. */
  lastText?: string | null;
  answered: boolean;
}

/**
 * What the agent has seen of a conversation, kept in the browser only: `through` is the highest transcript
 * sequence already counted (read, or counted as unread), so an event replayed after a reconnect counts once.
 */
export interface ReadMark {
  through: number;
  unread: number;
}

export interface InboxState {
  conversations: InboxConversation[];
  marks: Record<string, ReadMark>;
  /** The conversation on screen: its new messages are read as they arrive. */
  openId?: string;
}

export type InboxAction =
  | { type: "loaded"; items: AgentConversation[] }
  | { type: "event"; event: AgentEventType; data: AgentEventData }
  | { type: "opened"; id: string | undefined; through?: number }
  | { type: "removed"; id: string };

export const emptyInbox: InboxState = { conversations: [], marks: {} };

function byActivity(a: InboxConversation, b: InboxConversation) {
  return b.lastActivityAt.localeCompare(a.lastActivityAt);
}

/** A conversation the agent has never opened counts as one unread message (the customer's opening one). */
const newConversation: ReadMark = { through: 0, unread: 1 };

function read(mark: ReadMark | undefined, through: number | undefined): ReadMark {
  return { through: Math.max(mark?.through ?? 0, through ?? 0), unread: 0 };
}

/** The inbox after the server's list, an event, or the agent opening a conversation. */
export function inboxReducer(state: InboxState, action: InboxAction): InboxState {
  switch (action.type) {
    case "loaded": {
      // The server's list is the record; what the events told (the last message) is kept for those still held.
      const known = new Map(state.conversations.map((c) => [c.id, c]));
      const conversations = action.items.map((item): InboxConversation => {
        const before = known.get(item.id);
        return {
          id: item.id,
          customer: item.customer,
          assignedAt: item.assignedAt,
          answered: item.answered,
          lastActivityAt: before && before.lastActivityAt > item.assignedAt ? before.lastActivityAt : item.assignedAt,
          lastText: before?.lastText,
        };
      });
      const marks: Record<string, ReadMark> = {};
      for (const c of conversations) {
        marks[c.id] = c.id === state.openId ? read(state.marks[c.id], undefined) : state.marks[c.id] ?? newConversation;
      }
      return { ...state, conversations: conversations.sort(byActivity), marks };
    }
    case "event":
      return applyEvent(state, action.event, action.data);
    case "opened": {
      if (action.id === undefined) return { ...state, openId: undefined };
      return { ...state, openId: action.id, marks: { ...state.marks, [action.id]: read(state.marks[action.id], action.through) } };
    }
    case "removed":
      return remove(state, action.id);
  }
}

function remove(state: InboxState, id: string): InboxState {
  if (!state.conversations.some((c) => c.id === id) && !(id in state.marks)) return state;
  const marks = { ...state.marks };
  delete marks[id];
  return { ...state, conversations: state.conversations.filter((c) => c.id !== id), marks };
}

function applyEvent(state: InboxState, type: AgentEventType, data: AgentEventData): InboxState {
  const id = data.conversationId;
  const existing = state.conversations.find((c) => c.id === id);
  switch (type) {
    case "assigned": {
      if (existing) return state;
      const conversation: InboxConversation = {
        id, customer: data.customer, assignedAt: data.at, lastActivityAt: data.at, answered: false,
      };
      const mark = id === state.openId ? read(state.marks[id], undefined) : state.marks[id] ?? newConversation;
      return {
        ...state,
        conversations: [...state.conversations, conversation].sort(byActivity),
        marks: { ...state.marks, [id]: mark },
      };
    }
    case "message": {
      const entry = data.entry;
      if (!existing || !entry) return state;
      const mark = state.marks[id] ?? { through: 0, unread: 0 };
      if (entry.sequence <= mark.through) return state; // replayed after a reconnect: counted already
      const counts = entry.kind === "inbound" && id !== state.openId;
      const updated: InboxConversation = {
        ...existing,
        lastActivityAt: entry.at > existing.lastActivityAt ? entry.at : existing.lastActivityAt,
        lastText: entry.kind === "event" ? existing.lastText : entry.text ?? existing.lastText,
        answered: entry.kind === "agent" ? true : existing.answered,
      };
      return {
        ...state,
        conversations: state.conversations.map((c) => (c.id === id ? updated : c)).sort(byActivity),
        marks: { ...state.marks, [id]: { through: entry.sequence, unread: mark.unread + (counts ? 1 : 0) } },
      };
    }
    case "transferred":
    case "closed":
      return remove(state, id);
  }
}

/** The unread messages of every conversation the agent holds, for the page title. */
export function totalUnread(state: InboxState): number {
  return state.conversations.reduce((sum, c) => sum + (state.marks[c.id]?.unread ?? 0), 0);
}

export function unreadOf(state: InboxState, id: string): number {
  return state.marks[id]?.unread ?? 0;
}

/** The read marks as the browser keeps them between visits. */
export function parseMarks(stored: string | null): Record<string, ReadMark> {
  if (!stored) return {};
  try {
    const value = JSON.parse(stored) as unknown;
    if (typeof value !== "object" || value === null) return {};
    const marks: Record<string, ReadMark> = {};
    for (const [id, m] of Object.entries(value as Record<string, unknown>)) {
      const mark = m as Partial<ReadMark> | null;
      if (mark && typeof mark.through === "number" && typeof mark.unread === "number") {
        marks[id] = { through: mark.through, unread: mark.unread };
      }
    }
    return marks;
  } catch {
    return {};
  }
}
