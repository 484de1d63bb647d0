import { ApiError, type Problem } from "../../api/problem";

/** How far an export has come: pages fetched and recipient rows in them. */
export interface CsvProgress {
  pages: number;
  rows: number;
}

/** The URL of the `rel="next"` link of a `Link` header, if there is one. */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (match && /(^|;)\s*rel\s*=\s*"?next"?\s*(;|$)/i.test(match[2] ?? "")) return match[1];
  }
  return undefined;
}

async function problemOf(response: Response): Promise<ApiError> {
  let problem: Problem | undefined;
  try {
    problem = (await response.json()) as Problem;
  } catch {
    problem = undefined;
  }
  return new ApiError(response.status, problem);
}

/**
 * Every page of the recipients CSV, one after another as the `Link` header leads, as one CSV with one header
 * line. Pages are fetched in turn (each names the next), reporting progress after each.
 */
export async function fetchAllCsvPages(
  firstUrl: string,
  onProgress: (progress: CsvProgress) => void,
  fetchPage: (url: string) => Promise<Response> = (url) => fetch(url, { credentials: "same-origin" }),
): Promise<string> {
  const parts: string[] = [];
  const progress: CsvProgress = { pages: 0, rows: 0 };
  let url: string | undefined = firstUrl;
  while (url) {
    const response = await fetchPage(url);
    if (!response.ok) throw await problemOf(response);
    const text = await response.text();
    const headerEnd = text.indexOf("\n");
    const header = headerEnd < 0 ? text : text.slice(0, headerEnd + 1);
    const rows = headerEnd < 0 ? "" : text.slice(headerEnd + 1);
    if (progress.pages === 0) parts.push(header);
    if (rows) parts.push(rows.endsWith("\n") ? rows : `${rows}\n`);
    progress.pages += 1;
    progress.rows += rows.split("\n").filter((line) => line.length > 0).length;
    onProgress({ ...progress });
    url = nextLink(response.headers.get("Link"));
  }
  return parts.join("");
}

/** Hands the CSV to the browser as a file download. */
export function downloadCsv(csv: string, fileName: string) {
  const url = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // After the click has started the download.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
