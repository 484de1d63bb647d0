import { describe, expect, it } from "vitest";
import { ApiError } from "../../api/problem";
import { fetchAllCsvPages, nextLink, type CsvProgress } from "./csvExport";

const header = "messageId,tocontactid,status\n";

function page(rows: string[], next?: string): Response {
  return new Response(header + rows.map((r) => `${r}\n`).join(""), {
    headers: next ? { "Content-Type": "text/csv", Link: `<${next}>; rel="next"` } : { "Content-Type": "text/csv" },
  });
}

describe("the recipients CSV export", () => {
  it("follows the Link header through every page and keeps one header line", async () => {
    const pages: Record<string, Response> = {
      "/v1/reports/outbound/recipients?from=a": page(["m1,\"+1\",delivered", "m2,\"+2\",failed"], "/v1/reports/outbound/recipients?from=a&cursor=c1"),
      "/v1/reports/outbound/recipients?from=a&cursor=c1": page(["m3,\"+3\",sent"], "/v1/reports/outbound/recipients?from=a&cursor=c2"),
      "/v1/reports/outbound/recipients?from=a&cursor=c2": page([]),
    };
    const asked: string[] = [];
    const progress: CsvProgress[] = [];

    const csv = await fetchAllCsvPages("/v1/reports/outbound/recipients?from=a", (p) => progress.push(p), async (url) => {
      asked.push(url);
      return pages[url]!;
    });

    expect(csv).toBe(`${header}m1,"+1",delivered\nm2,"+2",failed\nm3,"+3",sent\n`);
    expect(asked).toHaveLength(3);
    expect(progress).toEqual([{ pages: 1, rows: 2 }, { pages: 2, rows: 3 }, { pages: 3, rows: 3 }]);
  });

  it("stops with the API's problem when a page is refused", async () => {
    const refused = new Response(JSON.stringify({ title: "Bad", errors: { to: ["An hourly report spans at most 31 days."] } }), {
      status: 400, headers: { "Content-Type": "application/problem+json" },
    });

    const failure = fetchAllCsvPages("/x", () => {}, async () => refused);

    await expect(failure).rejects.toBeInstanceOf(ApiError);
    await expect(failure).rejects.toMatchObject({ status: 400 });
  });
});

describe("the Link header", () => {
  it("gives the next page's URL, whatever other links come with it", () => {
    expect(nextLink('</a?cursor=1>; rel="next"')).toBe("/a?cursor=1");
    expect(nextLink('</first>; rel="first", </a?cursor=2>; rel=next')).toBe("/a?cursor=2");
    expect(nextLink('</first>; rel="first"')).toBeUndefined();
    expect(nextLink(null)).toBeUndefined();
  });
});
