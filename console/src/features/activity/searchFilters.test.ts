import { describe, expect, it } from "vitest";
import { emptySearch, toSearchQuery } from "./searchFilters";

describe("the message search's query", () => {
  it("leaves out the filters not set, so the API's defaults apply (the last week)", () => {
    expect(toSearchQuery(emptySearch)).toEqual({});
  });

  it("sends a number as E.164 even when typed with spaces, dashes or brackets", () => {
    expect(toSearchQuery({ ...emptySearch, number: "+1 (415) 555-0100" })).toEqual({ number: "+14155550100" });
  });

  it("turns the browser's local times into UTC instants", () => {
    const query = toSearchQuery({ ...emptySearch, from: "2026-12-07T09:30", until: "2026-12-07T10:30" });

    expect(query.from).toBe(new Date("2026-12-07T09:30").toISOString());
    expect(new Date(query.until!).getTime() - new Date(query.from!).getTime()).toBe(3_600_000);
  });

  it("sends a time it cannot read as typed, for the API to name the field", () => {
    expect(toSearchQuery({ ...emptySearch, until: "yesterday" }).until).toBe("yesterday");
  });
});
