import type { components } from "../../api/schema";

export type Trigger = components["schemas"]["TriggerResponse"];
export type TriggerRequest = components["schemas"]["TriggerRequest"];
type Condition = components["schemas"]["TriggerConditionBody"];

/** A filter condition as the form edits it: the value of "equals" as typed. */
export interface ConditionRow {
  path: string;
  test: "equals" | "exists" | "absent";
  value: string;
}

export interface SlugRow {
  slug: string;
  pointer: string;
}

export interface TriggerForm {
  name: string;
  eventType: string;
  configurationId: string | null;
  filter: ConditionRow[];
  tocontactid: string;
  optin: string;
  locale: string;
  entityrelationshipname: string;
  contextitems: SlugRow[];
  delay: string;
}

export const emptyTrigger: TriggerForm = {
  name: "", eventType: "", configurationId: null, filter: [], tocontactid: "/customer/phone", optin: "", locale: "",
  entityrelationshipname: "", contextitems: [], delay: "",
};

/**
 * The value of an "equals" condition as the form's text: JSON where it reads as a number, true, false or a quoted
 * string, else the text itself. So `high` is the string "high", `1` the number 1 and `"1"` the string "1", as the
 * API compares them (as JSON: 1 equals 1.0, "1" does not).
 */
export function parseEquals(text: string): string | number | boolean {
  const t = text.trim();
  try {
    const v: unknown = JSON.parse(t);
    if (typeof v === "number" || typeof v === "boolean" || typeof v === "string") return v;
  } catch {
    // not JSON: the text is the string
  }
  return text;
}

/** The form's text for a condition's value: a string that would read as something else is quoted. */
export function formatEquals(value: unknown): string {
  if (typeof value === "string" && parseEquals(value) === value) return value;
  return JSON.stringify(value);
}

const blankToNull = (s: string) => (s.trim() === "" ? null : s.trim());

/** The request the form stands for: optional pointers left empty are left out. */
export function toTriggerRequest(form: TriggerForm): TriggerRequest {
  const filter: Condition[] = form.filter.map((c) =>
    c.test === "equals" ? { path: c.path, equals: parseEquals(c.value) } : { path: c.path, exists: c.test === "exists" });
  const contextitems = Object.fromEntries(form.contextitems.filter((r) => r.slug.trim() !== "").map((r) => [r.slug.trim(), r.pointer]));
  return {
    name: form.name,
    eventType: form.eventType.trim(),
    configurationId: form.configurationId,
    filter,
    contact: {
      tocontactid: form.tocontactid,
      optin: blankToNull(form.optin),
      locale: blankToNull(form.locale),
      entityrelationshipname: blankToNull(form.entityrelationshipname),
      contextitems: Object.keys(contextitems).length > 0 ? contextitems : null,
    },
    delay: blankToNull(form.delay),
  };
}

/** The form of a stored trigger. */
export function fromTrigger(t: Trigger): TriggerForm {
  return {
    name: t.name,
    eventType: t.eventType,
    configurationId: t.configurationId,
    filter: t.filter.map((c) =>
      c.exists === true ? { path: c.path ?? "", test: "exists", value: "" }
      : c.exists === false ? { path: c.path ?? "", test: "absent", value: "" }
      : { path: c.path ?? "", test: "equals", value: formatEquals(c.equals) }),
    tocontactid: t.contact.tocontactid ?? "",
    optin: t.contact.optin ?? "",
    locale: t.contact.locale ?? "",
    entityrelationshipname: t.contact.entityrelationshipname ?? "",
    contextitems: Object.entries(t.contact.contextitems ?? {}).map(([slug, pointer]) => ({ slug, pointer })),
    delay: t.delay ?? "",
  };
}
