import { describe, expect, it } from "vitest";
import { campaignProgress, formatEta } from "./progress";

const base = { total: 1000, accepted: 0, skippedNoOptIn: 0, skippedOptedOut: 0, invalid: 0, status: "running" };

describe("a campaign's progress", () => {
  it("counts the contacts the send path judged, skipped ones included, out of the valid contacts", () => {
    expect(campaignProgress({ ...base, accepted: 400, skippedNoOptIn: 50, skippedOptedOut: 50 })).toBe(0.5);
  });

  it("does not count the rows the upload refused, which are not in the total", () => {
    expect(campaignProgress({ ...base, invalid: 30, audience: { invalid: 30 } })).toBe(0);
    expect(campaignProgress({ ...base, accepted: 90, invalid: 40, audience: { invalid: 30 } })).toBe(0.1);
  });

  it("is whole once completed, and nothing without an audience", () => {
    expect(campaignProgress({ ...base, status: "completed", accepted: 10 })).toBe(1);
    expect(campaignProgress({ ...base, total: 0, status: "draft" })).toBe(0);
  });

  it("writes the time left as a person reads it", () => {
    expect(formatEta(42)).toBe("42 s");
    expect(formatEta(720)).toBe("12 min");
    expect(formatEta(3 * 3600 + 20 * 60)).toBe("3 h 20 min");
    expect(formatEta(undefined)).toBe("—");
  });
});
