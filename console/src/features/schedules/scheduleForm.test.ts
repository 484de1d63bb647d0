import { describe, expect, it } from "vitest";
import { emptySchedule, fromSchedule, localToOffsetIso, toScheduleRequest, type Schedule } from "./scheduleForm";

describe("a schedule form as a request", () => {
  it("sends a cron with its time zone and the contacts with their configuration, and nothing of the other timings", () => {
    const form = { ...emptySchedule(), name: "Reminder", configurationId: "cfg", cron: " 30 8 * * 1-5 ", timeZone: "Europe/Paris",
      contacts: [{ tocontactid: " +14155550100 ", optin: true }] };
    expect(toScheduleRequest(form)).toEqual({
      name: "Reminder", enabled: true, configurationId: "cfg",
      contacts: [{ tocontactid: "+14155550100", optin: true }],
      cron: "30 8 * * 1-5", timeZone: "Europe/Paris",
    });
  });

  it("sends a campaign instead of contacts, without a configuration (the campaign's is used)", () => {
    const request = toScheduleRequest({ ...emptySchedule(), name: "Weekly", target: "campaign", campaignId: "camp", configurationId: "cfg", timing: "after", after: "P1D" });
    expect(request).toEqual({ name: "Weekly", enabled: true, campaignId: "camp", after: "P1D" });
  });

  it("sends a one-time schedule's local time with this browser's offset", () => {
    const request = toScheduleRequest({ ...emptySchedule(), timing: "at", at: "2027-01-04T09:30" });
    expect(request.at).toMatch(/^2027-01-04T09:30:00[+-]\d{2}:\d{2}$/);
    expect(new Date(request.at!).getTime()).toBe(new Date(2027, 0, 4, 9, 30).getTime());
    expect(request.cron).toBeUndefined();
    expect(request.timeZone).toBeUndefined();
  });

  it("sends a time it cannot read as typed, for the API to name the field", () => {
    expect(localToOffsetIso("tomorrow")).toBeUndefined();
    expect(toScheduleRequest({ ...emptySchedule(), timing: "at", at: "tomorrow" }).at).toBe("tomorrow");
  });

  it("sends an unchanged one-time schedule's time back as stored, so renaming a completed one is not refused as past", () => {
    const stored: Schedule = {
      id: "s", name: "Once", configurationId: "cfg", contacts: [{ tocontactid: "+14155550100", optin: true }], at: "2026-01-04T09:30:45+01:00",
      enabled: true, status: "completed", runs: [], version: 1, createdAt: "", updatedAt: "",
    };
    const form = fromSchedule(stored);
    expect(form.timing).toBe("at");
    expect(toScheduleRequest({ ...form, name: "Renamed" }).at).toBe("2026-01-04T09:30:45+01:00");
  });

  it("keeps an 'after' schedule as 'after', so saving it again keeps the time it resolved to", () => {
    const stored: Schedule = {
      id: "s", name: "Later", configurationId: "cfg", contacts: [], campaignId: "camp", at: "2026-12-08T10:00:00Z", after: "P1D",
      enabled: false, status: "disabled", runs: [], version: 1, createdAt: "", updatedAt: "",
    };
    const form = fromSchedule(stored);
    expect(form).toMatchObject({ timing: "after", after: "P1D", target: "campaign", campaignId: "camp", configurationId: null, enabled: false });
    expect(toScheduleRequest(form)).toEqual({ name: "Later", enabled: false, campaignId: "camp", after: "P1D" });
  });
});
