import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setCsrfToken } from "../../api/client";
import { ApiError } from "../../api/problem";
import { audienceContentType, uploadAudience, uploadFraction, type UploadProgress } from "./uploadAudience";

/** An XMLHttpRequest the test drives: it records what was sent and fires the events the test asks for. */
class FakeXhr {
  static last: FakeXhr;
  method = "";
  url = "";
  headers: Record<string, string> = {};
  body: unknown;
  status = 0;
  responseText = "";
  withCredentials = false;
  aborted = false;
  upload: { onprogress?: (e: ProgressEvent) => void; onload?: () => void } = {};
  onload?: () => void;
  onerror?: () => void;
  onabort?: () => void;
  constructor() { FakeXhr.last = this; }
  open(method: string, url: string) { this.method = method; this.url = url; }
  setRequestHeader(name: string, value: string) { this.headers[name] = value; }
  send(body: unknown) { this.body = body; }
  abort() { this.aborted = true; this.onabort?.(); }
  progress(loaded: number, total: number, lengthComputable = true) {
    this.upload.onprogress?.({ loaded, total, lengthComputable } as ProgressEvent);
  }
  answer(status: number, body: unknown) {
    this.upload.onload?.();
    this.status = status;
    this.responseText = JSON.stringify(body);
    this.onload?.();
  }
}

const audience = { uploadId: "u1", rows: 3, valid: 2, invalid: 1, uploadedAt: "2026-12-07T10:00:00Z", errorsUrl: "/v1/campaigns/c1/audience/errors" };
const file = (name: string, type = "") => new File(["tocontactid,optin\n+14155550100,true\n"], name, { type });

beforeEach(() => vi.stubGlobal("XMLHttpRequest", FakeXhr));
afterEach(() => { vi.unstubAllGlobals(); setCsrfToken(undefined); });

describe("uploading a campaign's audience", () => {
  it("puts the file to the campaign's audience with the session's CSRF token and the file's content type", () => {
    setCsrfToken("token-1");
    const f = file("audience.csv");
    void uploadAudience("c 1", f, () => {});
    const xhr = FakeXhr.last;
    expect(xhr.method).toBe("PUT");
    expect(xhr.url).toBe("/v1/campaigns/c%201/audience");
    expect(xhr.headers["X-CSRF-Token"]).toBe("token-1");
    expect(xhr.headers["Content-Type"]).toBe("text/csv");
    expect(xhr.body).toBe(f);
  });

  it("reports the bytes sent, then the gateway checking, then what it read, in that order", async () => {
    const seen: UploadProgress[] = [];
    const done = uploadAudience("c1", file("a.csv"), (p) => seen.push(p));
    const xhr = FakeXhr.last;
    xhr.progress(0, 400);
    xhr.progress(100, 400);
    xhr.progress(400, 400);
    xhr.answer(200, audience);
    await expect(done).resolves.toEqual(audience);
    expect(seen.map((p) => (p.phase === "uploading" ? p.fraction : p.phase))).toEqual([0, 0.25, 1, "checking", "done"]);
  });

  it("rejects with the gateway's problem, so the page can show its detail", async () => {
    const done = uploadAudience("c1", file("a.csv"), () => {});
    FakeXhr.last.answer(422, { title: "The audience cannot be read", detail: "The header has no tocontactid column.", errors: { header: ["tocontactid is missing."] } });
    const error = await done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(422);
    expect((error as ApiError).fieldError("header")).toBe("tocontactid is missing.");
  });

  it("stops the upload when its signal aborts", async () => {
    const stop = new AbortController();
    const done = uploadAudience("c1", file("a.csv"), () => {}, stop.signal);
    stop.abort();
    expect(FakeXhr.last.aborted).toBe(true);
    await expect(done).rejects.toMatchObject({ name: "AbortError" });
  });

  it("reads JSON Lines files by their extension, which browsers give no type", () => {
    expect(audienceContentType({ name: "Audience.JSONL", type: "" })).toBe("application/jsonl");
    expect(audienceContentType({ name: "a.ndjson", type: "" })).toBe("application/x-ndjson");
    expect(audienceContentType({ name: "a.csv", type: "application/vnd.ms-excel" })).toBe("text/csv");
  });

  it("counts an upload whose length the browser cannot tell as not started rather than done", () => {
    expect(uploadFraction(500, 0, false)).toBe(0);
    expect(uploadFraction(500, 1000, true)).toBe(0.5);
    expect(uploadFraction(1200, 1000, true)).toBe(1);
  });
});
