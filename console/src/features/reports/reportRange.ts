import type { ReportInterval } from "../../components/reportSeries";

/** The time ranges a report offers, back from now. */
export const ranges = [
  { value: "1d", label: "Last 24 hours", days: 1 },
  { value: "7d", label: "Last 7 days", days: 7 },
  { value: "31d", label: "Last 31 days", days: 31 },
  { value: "90d", label: "Last 90 days", days: 90 },
] as const;

export type RangeKey = (typeof ranges)[number]["value"];

/** The API counts per hour over at most 31 days: a longer range is counted per day. */
export const maxHourlyDays = 31;

/** The report's window and interval: the range ends now; an hourly chart of a longer range than allowed becomes daily. */
export function reportWindow(range: RangeKey, interval: ReportInterval, now: Date): { from: Date; to: Date; interval: ReportInterval } {
  const days = ranges.find((r) => r.value === range)?.days ?? 1;
  const from = new Date(now.getTime() - days * 24 * 3_600_000);
  return { from, to: now, interval: days > maxHourlyDays ? "day" : interval };
}
