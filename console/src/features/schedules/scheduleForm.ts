import type { components } from "../../api/schema";

export type Schedule = components["schemas"]["ScheduleResponse"];
export type ScheduleRequest = components["schemas"]["ScheduleRequest"];

export interface ContactRow {
  tocontactid: string;
  optin: boolean;
}

export interface ScheduleForm {
  name: string;
  /** What a run does: send to contacts through a configuration, or start a campaign. */
  target: "contacts" | "campaign";
  configurationId: string | null;
  contacts: ContactRow[];
  campaignId: string | null;
  /** When it runs: once at a time, on a cron in a time zone, or once after a delay from the save. */
  timing: "at" | "cron" | "after";
  /** A local date and time as an `<input type="datetime-local">` gives it: `2027-01-04T09:30`. */
  at: string;
  /** The stored `at` of a schedule being edited: sent back as it was when the field is unchanged. */
  storedAt?: string;
  cron: string;
  timeZone: string;
  after: string;
  enabled: boolean;
}

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

export function emptySchedule(): ScheduleForm {
  return {
    name: "", target: "contacts", configurationId: null, contacts: [{ tocontactid: "", optin: true }], campaignId: null,
    timing: "cron", at: "", cron: "30 8 * * 1-5", timeZone: browserTimeZone(), after: "PT1H", enabled: true,
  };
}

const pad = (n: number) => String(Math.trunc(Math.abs(n))).padStart(2, "0");

/**
 * A local date and time from a datetime-local input, as ISO 8601 with this browser's offset at that moment
 * (`2027-01-04T09:30:00+01:00`): the API refuses a time without an offset rather than guess a zone.
 * Undefined when the text is not a date and time.
 */
export function localToOffsetIso(local: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  const date = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  if (Number.isNaN(date.getTime())) return undefined;
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  return `${y}-${mo}-${d}T${h}:${mi}:${s ?? "00"}${sign}${pad(offset / 60)}:${pad(offset % 60)}`;
}

/** An ISO time as a datetime-local input's value in this browser's zone. */
export function isoToLocal(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * The request the form stands for: exactly one timing (at, cron with its zone, or after) and exactly one target
 * (contacts with their configuration, or a campaign, whose configuration the schedule takes).
 */
export function toScheduleRequest(form: ScheduleForm): ScheduleRequest {
  const request: ScheduleRequest = { name: form.name, enabled: form.enabled };
  if (form.target === "contacts") {
    request.configurationId = form.configurationId;
    request.contacts = form.contacts.map((c) => ({ tocontactid: c.tocontactid.trim(), optin: c.optin }));
  } else {
    request.campaignId = form.campaignId;
  }
  if (form.timing === "at") {
    // An unchanged time goes back as stored (the API does not check a kept time again, so a completed one-time
    // schedule can be renamed); a text that is not a time is sent as typed, for the API to name the field.
    request.at = form.storedAt && isoToLocal(form.storedAt) === form.at ? form.storedAt : localToOffsetIso(form.at) ?? form.at;
  } else if (form.timing === "cron") {
    request.cron = form.cron.trim();
    request.timeZone = form.timeZone;
  } else {
    request.after = form.after.trim();
  }
  return request;
}

/** The form of a stored schedule. */
export function fromSchedule(s: Schedule): ScheduleForm {
  const base = emptySchedule();
  return {
    ...base,
    name: s.name,
    target: s.campaignId ? "campaign" : "contacts",
    configurationId: s.campaignId ? null : s.configurationId,
    contacts: s.contacts.length > 0 ? s.contacts.map((c) => ({ tocontactid: c.tocontactid ?? "", optin: c.optin ?? false })) : base.contacts,
    campaignId: s.campaignId ?? null,
    // `after` resolved to a time at the save: kept as `after` so that saving again keeps that time.
    timing: s.cron ? "cron" : s.after ? "after" : "at",
    at: s.at && !s.after ? isoToLocal(s.at) : "",
    storedAt: s.at && !s.after ? s.at : undefined,
    cron: s.cron ?? base.cron,
    timeZone: s.timeZone ?? base.timeZone,
    after: s.after ?? base.after,
    enabled: s.enabled,
  };
}

/** A schedule's timing in words: "30 8 * * 1-5 (Europe/Paris)", "once at …", "once, PT1H after it was saved". */
export function describeTiming(s: Pick<Schedule, "cron" | "timeZone" | "at" | "after">, format: (iso: string) => string): string {
  if (s.cron) return `${s.cron} (${s.timeZone ?? "UTC"})`;
  if (s.after && s.at) return `once, ${s.after} after it was saved (${format(s.at)})`;
  if (s.at) return `once at ${format(s.at)}`;
  return "—";
}
