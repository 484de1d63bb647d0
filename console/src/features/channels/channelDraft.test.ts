import { describe, expect, it } from "vitest";
import { fromChannel, newChannelDraft, toChannelRequest } from "./channelDraft";

describe("toChannelRequest", () => {
  it("leaves a blank auth token out, so a replace keeps the stored one", () => {
    const body = toChannelRequest({ ...newChannelDraft(), name: "Support SMS", from: "+14155550100", accountSid: "AC00000000000000000000000000000000" });
    expect(body).toEqual({
      name: "Support SMS", type: "sms", provider: "twilio", from: "+14155550100", messagingServiceSid: undefined,
      twilio: { accountSid: "AC00000000000000000000000000000000", authToken: undefined },
    });
    expect(JSON.parse(JSON.stringify(body)).twilio).toEqual({ accountSid: "AC00000000000000000000000000000000" });
  });

  it("sends a typed secret", () => {
    const body = toChannelRequest({ ...newChannelDraft(), provider: "acs", endpoint: "https://x.communication.azure.com/", accessKey: "a2V5" });
    expect(body).toMatchObject({ provider: "acs", acs: { endpoint: "https://x.communication.azure.com/", accessKey: "a2V5" } });
  });

  it("sends only the chosen provider's settings", () => {
    const draft = { ...newChannelDraft(), provider: "acs" as const, accountSid: "AC1", authToken: "t", messagingServiceSid: "MG1" };
    const body = toChannelRequest(draft);
    expect(body).not.toHaveProperty("twilio");
    expect(body).not.toHaveProperty("messagingServiceSid");
  });

  it("sends no Messaging Service for a WhatsApp channel", () => {
    expect(toChannelRequest({ ...newChannelDraft(), type: "whatsapp", messagingServiceSid: "MG1" })).toMatchObject({ messagingServiceSid: undefined });
  });
});

describe("fromChannel", () => {
  it("starts every secret blank: the service shows only whether one is set", () => {
    const d = fromChannel({
      id: "c", name: "n", type: "sms", provider: "twilio", from: "+14155550100", version: 1, createdAt: "", updatedAt: "",
      twilio: { accountSid: "AC00000000000000000000000000000000", authTokenSet: true },
    });
    expect(d.authToken).toBe("");
    expect(d.accountSid).toBe("AC00000000000000000000000000000000");
  });
});
