import type { components } from "../api/schema";

/** Per-status message counts as reports return them. */
export type StatusCounts = components["schemas"]["StatusCountsResponse"];

/** The statuses of an outbound message, in the order a message goes through them, with a colour each. */
export const messageStatuses = [
  { key: "scheduled", label: "Scheduled", color: "grape" },
  { key: "accepted", label: "Accepted", color: "gray" },
  { key: "sending", label: "Sending", color: "cyan" },
  { key: "sent", label: "Sent", color: "blue" },
  { key: "delivered", label: "Delivered", color: "teal" },
  { key: "read", label: "Read", color: "green" },
  { key: "undelivered", label: "Undelivered", color: "orange" },
  { key: "failed", label: "Failed", color: "red" },
  { key: "unknown", label: "Unknown", color: "yellow" },
] as const satisfies readonly { key: keyof StatusCounts; label: string; color: string }[];

export type MessageStatusKey = (typeof messageStatuses)[number]["key"];

/** A status's label and Mantine colour (a status this console does not know shows as itself, in gray). */
export function statusStyle(status: string): { label: string; color: string } {
  return messageStatuses.find((s) => s.key === status) ?? { label: status, color: "gray" };
}
