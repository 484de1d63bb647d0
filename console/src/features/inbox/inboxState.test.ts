import { describe, expect, it } from "vitest";
import { emptyInbox, inboxReducer, parseMarks, totalUnread, unreadOf, type AgentConversation, type AgentEventData, type InboxState } from "./inboxState";

const c1 = "11111111-1111-1111-1111-111111111111";
const c2 = "22222222-2222-2222-2222-222222222222";

function held(id: string, assignedAt: string, answered = false): AgentConversation {
  return { id, customer: `+1555000${id[0]}`, status: "assigned", queueId: "q", channelId: "ch", assignedAt, waitingSince: assignedAt, answered };
}

function message(id: string, sequence: number, at: string, text = "Hello?", kind: "inbound" | "agent" | "event" = "inbound"): AgentEventData {
  return { conversationId: id, customer: "+15550001", at, entry: { sequence, kind, at, text } };
}

const assigned = (id: string, at: string): AgentEventData => ({ conversationId: id, customer: "+15550001", at });

function run(state: InboxState, ...actions: Parameters<typeof inboxReducer>[1][]): InboxState {
  return actions.reduce(inboxReducer, state);
}

describe("the inbox list", () => {
  it("shows a conversation assigned by the event stream at once, newest activity first, as one unread message", () => {
    const state = run(emptyInbox,
      { type: "loaded", items: [held(c1, "2026-12-07T10:00:00Z")] },
      { type: "event", event: "assigned", data: assigned(c2, "2026-12-07T11:00:00Z") });

    expect(state.conversations.map((c) => c.id)).toEqual([c2, c1]);
    expect(unreadOf(state, c2)).toBe(1);
    expect(totalUnread(state)).toBe(2);
  });

  it("counts each new customer message once, even when a reconnect replays it", () => {
    const m = message(c1, 3, "2026-12-07T10:05:00Z", "Still there?");
    const state = run(emptyInbox,
      { type: "loaded", items: [held(c1, "2026-12-07T10:00:00Z")] },
      { type: "event", event: "message", data: m },
      { type: "event", event: "message", data: m });

    expect(unreadOf(state, c1)).toBe(2); // the opening message and this one
    expect(state.conversations[0]?.lastText).toBe("Still there?");
    expect(state.conversations[0]?.lastActivityAt).toBe("2026-12-07T10:05:00Z");
  });

  it("moves a conversation with a new message to the top", () => {
    const state = run(emptyInbox,
      { type: "loaded", items: [held(c1, "2026-12-07T10:00:00Z"), held(c2, "2026-12-07T11:00:00Z")] },
      { type: "event", event: "message", data: message(c1, 3, "2026-12-07T12:00:00Z") });

    expect(state.conversations.map((c) => c.id)).toEqual([c1, c2]);
  });

  it("reads the messages of the open conversation: opening clears its count and new ones do not add to it", () => {
    const state = run(emptyInbox,
      { type: "loaded", items: [held(c1, "2026-12-07T10:00:00Z")] },
      { type: "event", event: "message", data: message(c1, 3, "2026-12-07T10:05:00Z") },
      { type: "opened", id: c1, through: 3 },
      { type: "event", event: "message", data: message(c1, 4, "2026-12-07T10:06:00Z") });

    expect(unreadOf(state, c1)).toBe(0);
    expect(state.marks[c1]?.through).toBe(4);

    const after = run(state, { type: "opened", id: undefined }, { type: "event", event: "message", data: message(c1, 5, "2026-12-07T10:07:00Z") });
    expect(unreadOf(after, c1)).toBe(1);
  });

  it("drops a conversation transferred away or closed, with its count", () => {
    const state = run(emptyInbox,
      { type: "loaded", items: [held(c1, "2026-12-07T10:00:00Z"), held(c2, "2026-12-07T11:00:00Z")] },
      { type: "event", event: "transferred", data: assigned(c1, "2026-12-07T12:00:00Z") },
      { type: "event", event: "closed", data: assigned(c2, "2026-12-07T12:00:00Z") });

    expect(state.conversations).toEqual([]);
    expect(totalUnread(state)).toBe(0);
    expect(state.marks).toEqual({});
  });

  it("keeps what the agent read across a reload of the list, and forgets conversations no longer held", () => {
    const read = run(emptyInbox,
      { type: "loaded", items: [held(c1, "2026-12-07T10:00:00Z"), held(c2, "2026-12-07T11:00:00Z")] },
      { type: "opened", id: c1, through: 2 },
      { type: "opened", id: undefined });
    const reloaded = run({ ...emptyInbox, marks: parseMarks(JSON.stringify(read.marks)) },
      { type: "loaded", items: [held(c1, "2026-12-07T10:00:00Z")] });

    expect(unreadOf(reloaded, c1)).toBe(0);
    expect(Object.keys(reloaded.marks)).toEqual([c1]);
  });

  it("does not count the agent's own replies nor events, and ignores messages of conversations it does not hold", () => {
    const state = run(emptyInbox,
      { type: "loaded", items: [held(c1, "2026-12-07T10:00:00Z")] },
      { type: "opened", id: c1, through: 2 },
      { type: "opened", id: undefined },
      { type: "event", event: "message", data: message(c1, 3, "2026-12-07T10:01:00Z", "On my way", "agent") },
      { type: "event", event: "message", data: message(c2, 1, "2026-12-07T10:01:00Z") });

    expect(totalUnread(state)).toBe(0);
    expect(state.conversations[0]?.answered).toBe(true);
  });

  it("reads stored marks defensively", () => {
    expect(parseMarks("not json")).toEqual({});
    expect(parseMarks(JSON.stringify({ [c1]: { through: "x", unread: 1 }, [c2]: { through: 2, unread: 0 } }))).toEqual({ [c2]: { through: 2, unread: 0 } });
  });
});
