import { useEffect, useRef, useState } from "react";
import type { AgentEventData, AgentEventType } from "./inboxState";

const types: AgentEventType[] = ["assigned", "message", "transferred", "closed"];

/** "connecting" until the stream is open; "live" while it is; "reconnecting" after it dropped. */
export type StreamStatus = "connecting" | "live" | "reconnecting";

/**
 * The agent's live events (server-sent events; the session cookie authenticates, same origin). The browser
 * reconnects by itself with Last-Event-ID, so the gateway replays what was missed; a stream the gateway refused
 * (the browser then gives up) is opened again after a pause. `onOpen` runs on every (re)connection and refusal, to
 * re-read the record in case more was missed than the gateway keeps.
 */
export function useAgentEvents(onEvent: (type: AgentEventType, data: AgentEventData) => void, onOpen: () => void, url = "/v1/agents/me/events"): StreamStatus {
  const [status, setStatus] = useState<StreamStatus>("connecting");
  const handlers = useRef({ onEvent, onOpen });
  handlers.current = { onEvent, onOpen };

  useEffect(() => {
    let source: EventSource | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;

    const connect = () => {
      source = new EventSource(url);
      source.onopen = () => {
        setStatus("live");
        handlers.current.onOpen();
      };
      source.onerror = () => {
        if (stopped) return;
        setStatus("reconnecting");
        if (source?.readyState === EventSource.CLOSED) {
          // The gateway refused the stream (an ended session, too many streams): re-reading the list shows why
          // (a 401 there signs the console out), and the stream is tried again.
          handlers.current.onOpen();
          retry = setTimeout(connect, 5_000);
        }
      };
      for (const type of types) {
        source.addEventListener(type, (e) => {
          try {
            handlers.current.onEvent(type, JSON.parse((e as MessageEvent<string>).data) as AgentEventData);
          } catch {
            // A malformed event is dropped: the list is re-read on the next connection.
          }
        });
      }
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(retry);
      source?.close();
    };
  }, [url]);

  return status;
}
