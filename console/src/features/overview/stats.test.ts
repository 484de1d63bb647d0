import { describe, expect, it } from "vitest";
import { deliveryRate, formatRate, quotaGauge, startOfUtcDay } from "./stats";

const none = { total: 0, accepted: 0, sending: 0, sent: 0, delivered: 0, undelivered: 0, failed: 0, read: 0, unknown: 0, scheduled: 0 };

describe("delivery rate", () => {
  it("is delivered and read messages out of those with a final status; messages on their way count in neither", () => {
    const rate = deliveryRate({ ...none, delivered: 6, read: 2, failed: 1, undelivered: 0, unknown: 1, sent: 50, sending: 7, accepted: 3, scheduled: 4 });

    expect(rate).toBe(0.8);
    expect(formatRate(rate)).toBe("80%");
  });

  it("is none while no message is final, rather than 0% or 100%", () => {
    const rate = deliveryRate({ ...none, sent: 3, accepted: 1 });

    expect(rate).toBeNull();
    expect(formatRate(rate)).toBe("—");
  });

  it("is shown to one decimal", () => {
    expect(formatRate(deliveryRate({ ...none, delivered: 2, failed: 1 }))).toBe("66.7%");
  });
});

describe("today", () => {
  it("starts at midnight UTC, the first of the report's hourly buckets", () => {
    expect(startOfUtcDay(new Date("2026-12-07T23:59:00-05:00")).toISOString()).toBe("2026-12-08T00:00:00.000Z");
  });
});

describe("quota gauge", () => {
  it("turns orange from 70% and red from 90%, and never passes 100%", () => {
    expect(quotaGauge(10, 100)).toEqual({ percent: 10, label: "10%", color: "teal" });
    expect(quotaGauge(75, 100).color).toBe("orange");
    expect(quotaGauge(95, 100).color).toBe("red");
    expect(quotaGauge(150, 100).percent).toBe(100);
  });

  it("reads as less than 1% rather than 0% once a request is counted", () => {
    expect(quotaGauge(1, 30_000).label).toBe("<1%");
    expect(quotaGauge(0, 30_000).label).toBe("0%");
  });
});
