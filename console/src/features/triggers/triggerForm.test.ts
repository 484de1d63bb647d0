import { describe, expect, it } from "vitest";
import { emptyTrigger, formatEquals, fromTrigger, parseEquals, toTriggerRequest, type Trigger } from "./triggerForm";

describe("a trigger form as a request", () => {
  it("reads a condition's value as the API compares it: numbers and booleans as JSON, quoted text as text", () => {
    expect(parseEquals("high")).toBe("high");
    expect(parseEquals("1")).toBe(1);
    expect(parseEquals('"1"')).toBe("1");
    expect(parseEquals("true")).toBe(true);
    expect(parseEquals("null")).toBe("null");
    expect(parseEquals("{\"a\":1}")).toBe("{\"a\":1}");
  });

  it("writes a stored value back so that it reads the same", () => {
    for (const v of ["high", "1", 1, true, "true", "null"]) expect(parseEquals(formatEquals(v))).toEqual(v);
  });

  it("maps conditions, contact pointers and slugs, leaving empty optional pointers and the delay out", () => {
    const request = toTriggerRequest({
      ...emptyTrigger, name: "Case created", eventType: " case.created ", configurationId: "cfg",
      filter: [{ path: "/priority", test: "equals", value: "high" }, { path: "/customer/phone", test: "exists", value: "" }, { path: "/test", test: "absent", value: "x" }],
      tocontactid: "/customer/phone", locale: "/customer/language",
      contextitems: [{ slug: "CustomerName", pointer: "/customer/name" }, { slug: " ", pointer: "/ignored" }],
    });
    expect(request).toEqual({
      name: "Case created", eventType: "case.created", configurationId: "cfg",
      filter: [{ path: "/priority", equals: "high" }, { path: "/customer/phone", exists: true }, { path: "/test", exists: false }],
      contact: { tocontactid: "/customer/phone", optin: null, locale: "/customer/language", entityrelationshipname: null, contextitems: { CustomerName: "/customer/name" } },
      delay: null,
    });
  });

  it("edits a stored trigger as it was saved", () => {
    const stored: Trigger = {
      id: "t", name: "n", eventType: "e", configurationId: "cfg", version: 1, createdAt: "", updatedAt: "", delay: "PT30M",
      filter: [{ path: "/n", equals: 1 }, { path: "/x", exists: false }],
      contact: { tocontactid: "/p", optin: "/o", contextitems: { A: "/a" } },
    };
    const again = toTriggerRequest(fromTrigger(stored));
    expect(again).toEqual({
      name: "n", eventType: "e", configurationId: "cfg", delay: "PT30M",
      filter: [{ path: "/n", equals: 1 }, { path: "/x", exists: false }],
      contact: { tocontactid: "/p", optin: "/o", locale: null, entityrelationshipname: null, contextitems: { A: "/a" } },
    });
  });
});
