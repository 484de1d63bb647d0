import { describe, expect, it } from "vitest";
import { statusesIn, toChartSeries } from "./reportSeries";

const counts = (c: Partial<Record<string, number>>) => ({
  total: 0, accepted: 0, sending: 0, sent: 0, delivered: 0, undelivered: 0, failed: 0, read: 0, unknown: 0, scheduled: 0, ...c,
});

describe("report rows as chart series", () => {
  it("has a point for every hour of the range, quiet hours as zero, labelled by the UTC hour", () => {
    const points = toChartSeries(
      [{ start: "2026-12-07T01:00:00Z", counts: counts({ total: 3, delivered: 2, failed: 1 }) }],
      "hour", new Date("2026-12-07T00:00:00Z"), new Date("2026-12-07T03:30:00Z"));

    expect(points.map((p) => p.label)).toEqual(["00:00", "01:00", "02:00", "03:00"]);
    expect(points.map((p) => p.total)).toEqual([0, 3, 0, 0]);
    expect(points[1]).toMatchObject({ delivered: 2, failed: 1, sent: 0 });
  });

  it("labels hours with their day when the range spans days, and days by their date", () => {
    const hourly = toChartSeries([], "hour", new Date("2026-12-06T23:00:00Z"), new Date("2026-12-08T00:00:00Z"));
    const daily = toChartSeries([{ start: "2026-12-06T00:00:00Z", counts: counts({ total: 1, read: 1 }) }], "day",
      new Date("2026-12-05T10:00:00Z"), new Date("2026-12-07T10:00:00Z"));

    expect(hourly[0]?.label).toBe("12-06 23:00");
    expect(hourly).toHaveLength(25);
    expect(daily.map((p) => [p.label, p.total])).toEqual([["12-05", 0], ["12-06", 1], ["12-07", 0]]);
  });

  it("draws only the statuses that occur", () => {
    const points = toChartSeries([{ start: "2026-12-07T00:00:00Z", counts: counts({ total: 2, delivered: 1, unknown: 1 }) }],
      "hour", new Date("2026-12-07T00:00:00Z"), new Date("2026-12-07T01:00:00Z"));

    expect(statusesIn(points).map((s) => s.key)).toEqual(["delivered", "unknown"]);
  });
});
