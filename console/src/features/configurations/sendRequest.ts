import type { components } from "../../api/schema";
import { ApiError } from "../../api/problem";

export type SendBody = components["schemas"]["SendBody"];
export type MessageStatus = components["schemas"]["MessageResponse"]["status"];

export interface TestSendDraft {
  to: string;
  locale: string;
  optin: boolean;
  regarding: string;
  values: Record<string, string>;
}

/** A one-contact send request, as the reference's flow sends it; blank optional fields are left out. */
export function toSendBody(d: TestSendDraft): SendBody {
  const values = Object.fromEntries(Object.entries(d.values).filter(([, v]) => v !== ""));
  return {
    contacts: [{
      tocontactid: d.to.trim(),
      optin: d.optin,
      locale: d.locale.trim() || undefined,
      entityrelationshipname: d.regarding.trim() || undefined,
      contextitems: Object.keys(values).length > 0 ? values : undefined,
    }],
  };
}

/**
 * The message for one field of the form: the service names a send's fields `contacts[0].tocontactid`,
 * `contacts[0].contextitems.CaseName` and so on (matched without regard to case).
 */
export function sendFieldError(error: unknown, field: string): string | undefined {
  return error instanceof ApiError ? error.fieldError(`contacts[0].${field}`) : undefined;
}

/** The error keys the form shows next to a field, for the problem alert to leave out. */
export function sendShownFields(slugs: string[]): string[] {
  return ["tocontactid", "optin", "locale", "entityrelationshipname", ...slugs.map((s) => `contextitems.${s}`)].map((f) => `contacts[0].${f}`);
}

/** Statuses after which a message changes no more (a WhatsApp `delivered` may still become `read`). */
const final = new Set<MessageStatus>(["delivered", "undelivered", "failed", "read"]);

export function isFinal(status: MessageStatus | undefined): boolean {
  return status !== undefined && final.has(status);
}

/** The colour a status is shown in: green delivered, red failed, grey on its way. */
export function statusColor(status: MessageStatus): string {
  switch (status) {
    case "delivered":
    case "read":
      return "teal";
    case "failed":
    case "undelivered":
      return "red";
    case "scheduled":
      return "violet";
    case "unknown":
      return "orange";
    default:
      return "blue";
  }
}
