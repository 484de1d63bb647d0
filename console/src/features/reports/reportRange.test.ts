import { describe, expect, it } from "vitest";
import { reportWindow } from "./reportRange";

describe("a report's window", () => {
  const now = new Date("2026-12-07T12:00:00Z");

  it("ends now and starts the chosen number of days before", () => {
    const window = reportWindow("7d", "hour", now);

    expect(window.from.toISOString()).toBe("2026-11-30T12:00:00.000Z");
    expect(window.to).toBe(now);
    expect(window.interval).toBe("hour");
  });

  it("is counted per day past the 31 days an hourly report may span", () => {
    expect(reportWindow("90d", "hour", now).interval).toBe("day");
    expect(reportWindow("31d", "hour", now).interval).toBe("hour");
  });
});
