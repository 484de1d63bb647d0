import { describe, expect, it } from "vitest";
import { ApiError } from "../../api/problem";
import { isFinal, sendFieldError, sendShownFields, toSendBody } from "./sendRequest";

describe("toSendBody", () => {
  it("sends one contact with the given slug values and leaves blank optional fields out", () => {
    expect(toSendBody({ to: " +14155550142 ", locale: "", optin: true, regarding: "", values: { CustomerName: "Ana", CaseName: "" } }))
      .toEqual({ contacts: [{ tocontactid: "+14155550142", optin: true, locale: undefined, entityrelationshipname: undefined, contextitems: { CustomerName: "Ana" } }] });
  });
});

describe("sendFieldError", () => {
  const problem = new ApiError(400, {
    errors: {
      "contacts[0].optin": ["optin is required: true or false."],
      "contacts[0].contextitems.CaseName": ["A context value is at most 1000 characters."],
      "contacts[0].entityrelationshipname": ["It is at most 100 characters."],
    },
  });

  it("puts each contact field's message next to its input", () => {
    expect(sendFieldError(problem, "optin")).toBe("optin is required: true or false.");
    expect(sendFieldError(problem, "contextitems.casename")).toBe("A context value is at most 1000 characters.");
    expect(sendFieldError(problem, "tocontactid")).toBeUndefined();
  });

  it("leaves nothing for the alert when every field is shown", () => {
    expect(problem.otherErrors(sendShownFields(["CaseName"]))).toEqual([]);
  });
});

describe("isFinal", () => {
  it("follows a message until it is delivered, undelivered, failed or read", () => {
    expect(["accepted", "scheduled", "sending", "sent", "unknown"].map((s) => isFinal(s as never))).toEqual([false, false, false, false, false]);
    expect(["delivered", "undelivered", "failed", "read"].map((s) => isFinal(s as never))).toEqual([true, true, true, true]);
  });
});
