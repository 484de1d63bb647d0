import type { StatusCounts } from "../../components/messageStatus";

/** Messages that reached a status nothing more is expected after (a delivered WhatsApp message may still be read). */
export function finalCount(c: StatusCounts): number {
  return c.delivered + c.read + c.undelivered + c.failed + c.unknown;
}

/**
 * The delivery rate: messages delivered (or read) out of those with a final status — delivered, read,
 * undelivered, failed or unknown. Messages still on their way count in neither. Null while none is final.
 */
export function deliveryRate(c: StatusCounts): number | null {
  const final = finalCount(c);
  return final === 0 ? null : (c.delivered + c.read) / final;
}

/** A rate as a percentage with at most one decimal, or a dash when there is none. */
export function formatRate(rate: number | null): string {
  if (rate === null) return "—";
  const percent = Math.round(rate * 1000) / 10;
  return `${percent}%`;
}

/** The start of the current UTC day: "today" in the overview, as the API's hourly buckets are UTC hours. */
export function startOfUtcDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/** The quota's use as a percentage for the gauge (0–100), its label, and the gauge's colour. */
export function quotaGauge(used: number, limit: number): { percent: number; label: string; color: string } {
  const percent = limit <= 0 ? 100 : Math.min(100, (used / limit) * 100);
  // Some use never reads as 0%.
  const label = used > 0 && percent < 1 ? "<1%" : `${Math.floor(percent)}%`;
  return { percent, label, color: percent >= 90 ? "red" : percent >= 70 ? "orange" : "teal" };
}
