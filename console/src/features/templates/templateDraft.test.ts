import { describe, expect, it } from "vitest";
import { ApiError } from "../../api/problem";
import { fromResponse, localeHasErrors, shownFields, toRequest, versionErrors, type TemplateDraft } from "./templateDraft";

const problem = new ApiError(400, {
  title: "One or more validation errors occurred.",
  errors: {
    "versions.fr.body": ["Unbalanced braces: '{' at index 3 has no closing '}'."],
    "Versions.FR.contentSid": ["An SMS version has no contentSid."],
    "versions.fr.variables.1": ["'1x' is not a valid slug name."],
    "versions.en": ["The version is required."],
    name: ["name is required."],
  },
});

describe("versionErrors", () => {
  it("puts each message of a locale's version next to its field, whatever the case of the key", () => {
    expect(versionErrors(problem, "fr")).toEqual({
      body: "Unbalanced braces: '{' at index 3 has no closing '}'.",
      contentSid: "An SMS version has no contentSid.",
      variables: "'1x' is not a valid slug name.",
    });
    expect(versionErrors(problem, "en")).toEqual({ version: "The version is required." });
  });

  it("tells which locale tabs have errors", () => {
    expect(localeHasErrors(problem, "fr")).toBe(true);
    expect(localeHasErrors(problem, "de")).toBe(false);
    expect(localeHasErrors(new Error("offline"), "fr")).toBe(false);
  });

  it("leaves to the alert only what no field shows", () => {
    const others = problem.otherErrors(shownFields(problem, ["en", "fr"]));
    expect(others).toEqual([]);
    const unknownLocale = new ApiError(400, { errors: { "versions.xx": ["'xx' is not a known locale."] } });
    expect(unknownLocale.otherErrors(shownFields(unknownLocale, ["en"]))).toEqual(["versions.xx: 'xx' is not a known locale."]);
  });
});

describe("toRequest", () => {
  const draft: TemplateDraft = {
    name: " Case created ", channelType: "sms", defaultLocale: "en", locales: ["en", "fr"],
    versions: {
      en: { body: "Hi {CustomerName}", contentSid: "HXignored", variables: [{ key: "1", slug: "x" }] },
      fr: { body: "Bonjour {CustomerName}", contentSid: "", variables: [] },
    },
  };

  it("sends an SMS version's body only", () => {
    expect(toRequest(draft)).toEqual({
      name: "Case created", channelType: "sms", defaultLocale: "en",
      versions: { en: { body: "Hi {CustomerName}" }, fr: { body: "Bonjour {CustomerName}" } },
    });
  });

  it("sends a WhatsApp version's content SID and variables, skipping blank rows", () => {
    const wa = toRequest({
      ...draft, channelType: "whatsapp", locales: ["en"],
      versions: { en: { body: "", contentSid: " HX1 ", variables: [{ key: "1", slug: "CustomerName" }, { key: " ", slug: "" }] } },
    });
    expect(wa.versions).toEqual({ en: { contentSid: "HX1", variables: { "1": "CustomerName" } } });
  });

  it("round-trips a stored template with the default locale's tab first", () => {
    const d = fromResponse({
      id: "t", name: "n", channelType: "sms", defaultLocale: "fr", version: 1, createdAt: "", updatedAt: "",
      versions: { en: { body: "Hi" }, fr: { body: "Salut" }, de: { body: "Hallo" } },
    });
    expect(d.locales).toEqual(["fr", "de", "en"]);
    expect(toRequest(d).versions).toEqual({ fr: { body: "Salut" }, de: { body: "Hallo" }, en: { body: "Hi" } });
  });
});
