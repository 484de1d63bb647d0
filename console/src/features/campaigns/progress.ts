import type { components } from "../../api/schema";

export type Campaign = components["schemas"]["CampaignResponse"];

/** Statuses a campaign cannot leave. */
export const ended = new Set(["completed", "cancelled"]);

/**
 * How far a campaign is through its audience, 0 to 1: the contacts the send path has judged (accepted, skipped
 * or refused) out of the valid contacts. `invalid` also counts the rows the upload refused, which are not in
 * `total`, so those are taken out.
 */
export function campaignProgress(c: Pick<Campaign, "total" | "accepted" | "skippedNoOptIn" | "skippedOptedOut" | "invalid" | "status"> & { audience?: { invalid: number } | null }): number {
  if (c.status === "completed") return 1;
  if (c.total <= 0) return 0;
  const refusedBySend = Math.max(0, c.invalid - (c.audience?.invalid ?? 0));
  const judged = c.accepted + c.skippedNoOptIn + c.skippedOptedOut + refusedBySend;
  return Math.min(1, judged / c.total);
}

/** A duration in seconds as a person reads it: "45 s", "12 min", "3 h 20 min". */
export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "—";
  if (seconds < 60) return `${Math.max(0, Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

export const statusColor: Record<string, string> = {
  draft: "gray", ready: "blue", running: "green", paused: "yellow", completed: "teal", cancelled: "red",
};
