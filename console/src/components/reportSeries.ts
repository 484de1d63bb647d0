import type { components } from "../api/schema";
import { messageStatuses, type MessageStatusKey } from "./messageStatus";

type Bucket = components["schemas"]["ReportBucketResponse"];
export type ReportInterval = "hour" | "day";

/** One bar of a report chart: an interval, its label, and its messages per status and in total. */
export type SeriesPoint = { start: string; label: string; total: number } & Record<MessageStatusKey, number>;

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

function floorTo(at: Date, interval: ReportInterval): number {
  const ms = interval === "hour" ? hourMs : dayMs;
  return Math.floor(at.getTime() / ms) * ms;
}

function label(at: Date, interval: ReportInterval, spansDays: boolean): string {
  const iso = at.toISOString();
  const day = iso.slice(5, 10);
  const hour = `${iso.slice(11, 13)}:00`;
  return interval === "day" ? day : spansDays ? `${day} ${hour}` : hour;
}

/**
 * The report's buckets as chart points, one per interval from `from` to `to` (UTC): the API lists only intervals
 * with messages, and a chart must show the quiet ones as zero rather than skip them.
 */
export function toChartSeries(buckets: Bucket[], interval: ReportInterval, from: Date, to: Date): SeriesPoint[] {
  const step = interval === "hour" ? hourMs : dayMs;
  const byStart = new Map(buckets.map((b) => [new Date(b.start).getTime(), b.counts]));
  const first = floorTo(from, interval);
  const spansDays = to.getTime() - first > dayMs;
  const points: SeriesPoint[] = [];
  for (let t = first; t < to.getTime(); t += step) {
    const counts = byStart.get(t);
    const at = new Date(t);
    const point = { start: at.toISOString(), label: label(at, interval, spansDays), total: counts?.total ?? 0 } as SeriesPoint;
    for (const s of messageStatuses) point[s.key] = counts?.[s.key] ?? 0;
    points.push(point);
  }
  return points;
}

/** The statuses that occur in the series: the chart draws a bar segment and a legend entry for those only. */
export function statusesIn(points: SeriesPoint[]): (typeof messageStatuses)[number][] {
  return messageStatuses.filter((s) => points.some((p) => p[s.key] > 0));
}
