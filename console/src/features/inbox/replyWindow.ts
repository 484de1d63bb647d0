/** What the agent may send now: SMS has no window; WhatsApp allows free text for 24 hours after the customer's last message. */
export type ReplyWindow =
  | { kind: "none" }
  | { kind: "open"; endsAt: Date; remainingMs: number }
  | { kind: "closed"; endedAt?: Date };

export function replyWindow(
  conversation: { channelType: "sms" | "whatsapp"; replyWindowEndsAt?: string | null },
  now: Date,
): ReplyWindow {
  if (conversation.channelType !== "whatsapp") return { kind: "none" };
  if (!conversation.replyWindowEndsAt) return { kind: "closed" };
  const endsAt = new Date(conversation.replyWindowEndsAt);
  const remainingMs = endsAt.getTime() - now.getTime();
  return remainingMs > 0 ? { kind: "open", endsAt, remainingMs } : { kind: "closed", endedAt: endsAt };
}

/** "23 h 5 min", "12 min", "less than a minute". */
export function formatRemaining(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return "less than a minute";
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return hours > 0 ? `${hours} h ${rest} min` : `${rest} min`;
}

/** The window after a new customer message: it starts again from that message. */
export function windowAfterInbound(at: string, channelType: "sms" | "whatsapp"): string | null {
  return channelType === "whatsapp" ? new Date(new Date(at).getTime() + 24 * 3_600_000).toISOString() : null;
}
