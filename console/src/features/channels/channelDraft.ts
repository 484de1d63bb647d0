import type { components } from "../../api/schema";

export type ChannelResponse = components["schemas"]["ChannelResponse"];
export type ChannelRequest = components["schemas"]["ChannelRequest"];

/** The channel form's state; secrets are blank unless the admin types a new one. */
export interface ChannelDraft {
  name: string;
  provider: "twilio" | "acs";
  type: "sms" | "whatsapp";
  from: string;
  messagingServiceSid: string;
  accountSid: string;
  authToken: string;
  endpoint: string;
  accessKey: string;
  eventsSecret: string;
}

export function newChannelDraft(): ChannelDraft {
  return {
    name: "", provider: "twilio", type: "sms", from: "", messagingServiceSid: "",
    accountSid: "", authToken: "", endpoint: "", accessKey: "", eventsSecret: "",
  };
}

/** A stored channel as a form: the service never returns secrets, so they start blank (blank keeps them). */
export function fromChannel(c: ChannelResponse): ChannelDraft {
  return {
    ...newChannelDraft(),
    name: c.name, provider: c.provider, type: c.type, from: c.from ?? "", messagingServiceSid: c.messagingServiceSid ?? "",
    accountSid: c.twilio?.accountSid ?? "", endpoint: c.acs?.endpoint ?? "",
  };
}

const blankToUndefined = (s: string) => (s.trim() === "" ? undefined : s.trim());

/**
 * The request body. A blank secret is left out, which on a replace keeps the stored one; only the provider's own
 * settings are sent, so switching provider in the form leaves no stray `twilio` or `acs` object behind.
 */
export function toChannelRequest(d: ChannelDraft): ChannelRequest {
  if (d.provider === "twilio") {
    return {
      name: d.name.trim(), type: d.type, provider: "twilio",
      from: blankToUndefined(d.from),
      messagingServiceSid: d.type === "sms" ? blankToUndefined(d.messagingServiceSid) : undefined,
      twilio: { accountSid: d.accountSid.trim(), authToken: blankToUndefined(d.authToken) },
    };
  }
  return {
    name: d.name.trim(), type: d.type, provider: "acs",
    from: blankToUndefined(d.from),
    acs: { endpoint: d.endpoint.trim(), accessKey: blankToUndefined(d.accessKey), eventsSecret: blankToUndefined(d.eventsSecret) },
  };
}

/** The fields the form shows errors next to; the service keys them by JSON path. */
export const channelFields = [
  "name", "type", "provider", "from", "messagingServiceSid", "twilio", "twilio.accountSid", "twilio.authToken",
  "acs", "acs.endpoint", "acs.accessKey", "acs.eventsSecret",
];
