import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { act, renderHook } from "@testing-library/react";
import { useAgentEvents } from "./useAgentEvents";

/** A stand-in for the browser's EventSource: the test opens, fails and feeds it. */
class FakeSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static all: FakeSource[] = [];
  readyState = FakeSource.CONNECTING;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  listeners = new Map<string, (e: MessageEvent<string>) => void>();
  constructor(readonly url: string) { FakeSource.all.push(this); }
  addEventListener(type: string, listener: (e: MessageEvent<string>) => void) { this.listeners.set(type, listener); }
  close() { this.readyState = FakeSource.CLOSED; }
  open() { this.readyState = FakeSource.OPEN; this.onopen?.(); }
  emit(type: string, data: unknown) { this.listeners.get(type)?.(new MessageEvent(type, { data: JSON.stringify(data) })); }
  fail(closed: boolean) { this.readyState = closed ? FakeSource.CLOSED : FakeSource.CONNECTING; this.onerror?.(); }
}

beforeEach(() => {
  FakeSource.all = [];
  vi.stubGlobal("EventSource", FakeSource);
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("the agent's event stream", () => {
  it("hands each event to the inbox and re-reads the list on every connection", () => {
    const onEvent = vi.fn();
    const onOpen = vi.fn();
    const { result } = renderHook(() => useAgentEvents(onEvent, onOpen));
    const source = FakeSource.all[0]!;
    expect(source.url).toBe("/v1/agents/me/events");
    expect(result.current).toBe("connecting");

    act(() => source.open());
    act(() => source.emit("assigned", { conversationId: "c", customer: "+1", at: "2026-12-07T10:00:00Z" }));

    expect(result.current).toBe("live");
    expect(onOpen).toHaveBeenCalledTimes(1);
    expect(onEvent).toHaveBeenCalledWith("assigned", { conversationId: "c", customer: "+1", at: "2026-12-07T10:00:00Z" });
  });

  it("leaves a dropped connection to the browser's own reconnect (with Last-Event-ID)", () => {
    renderHook(() => useAgentEvents(vi.fn(), vi.fn()));
    act(() => FakeSource.all[0]!.fail(false));
    act(() => vi.advanceTimersByTime(60_000));

    expect(FakeSource.all).toHaveLength(1);
  });

  it("opens a refused stream again after a pause, re-reading the list at once", () => {
    const onOpen = vi.fn();
    const { result, unmount } = renderHook(() => useAgentEvents(vi.fn(), onOpen));
    act(() => FakeSource.all[0]!.fail(true));

    expect(result.current).toBe("reconnecting");
    expect(onOpen).toHaveBeenCalledTimes(1);
    act(() => vi.advanceTimersByTime(5_000));
    expect(FakeSource.all).toHaveLength(2);

    unmount();
    expect(FakeSource.all[1]!.readyState).toBe(FakeSource.CLOSED);
  });
});
