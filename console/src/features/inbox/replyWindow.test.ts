import { describe, expect, it } from "vitest";
import { formatRemaining, replyWindow, windowAfterInbound } from "./replyWindow";

const now = new Date("2026-12-07T12:00:00Z");

describe("the WhatsApp 24-hour window", () => {
  it("does not apply to SMS", () => {
    expect(replyWindow({ channelType: "sms", replyWindowEndsAt: null }, now)).toEqual({ kind: "none" });
  });

  it("is open until 24 hours after the customer's last message, with the time left", () => {
    const w = replyWindow({ channelType: "whatsapp", replyWindowEndsAt: "2026-12-08T11:30:00Z" }, now);
    expect(w.kind).toBe("open");
    expect(w.kind === "open" && formatRemaining(w.remainingMs)).toBe("23 h 30 min");
  });

  it("is closed once that time passed, so only a template may go", () => {
    const w = replyWindow({ channelType: "whatsapp", replyWindowEndsAt: "2026-12-07T11:59:59Z" }, now);
    expect(w).toEqual({ kind: "closed", endedAt: new Date("2026-12-07T11:59:59Z") });
    expect(replyWindow({ channelType: "whatsapp", replyWindowEndsAt: now.toISOString() }, now).kind).toBe("closed");
  });

  it("opens again with a new customer message", () => {
    const endsAt = windowAfterInbound("2026-12-07T12:00:00Z", "whatsapp");
    expect(endsAt).toBe("2026-12-08T12:00:00.000Z");
    expect(windowAfterInbound("2026-12-07T12:00:00Z", "sms")).toBeNull();
  });

  it("says less than a minute rather than 0 min", () => {
    expect(formatRemaining(59_000)).toBe("less than a minute");
    expect(formatRemaining(12 * 60_000)).toBe("12 min");
  });
});
