import { getCsrfToken } from "../../api/client";
import { ApiError, type Problem } from "../../api/problem";
import type { components } from "../../api/schema";

export type AudienceResponse = components["schemas"]["AudienceResponse"];

/** Where an upload stands: the body going up, then the gateway checking the last rows, then its answer. */
export type UploadProgress =
  | { phase: "uploading"; loaded: number; total: number; fraction: number }
  | { phase: "checking" }
  | { phase: "done"; audience: AudienceResponse };

/** The content type the gateway reads a file as, from its name (browsers give .jsonl files no type). */
export function audienceContentType(file: { name: string; type: string }): string {
  const name = file.name.toLowerCase();
  if (name.endsWith(".csv")) return "text/csv";
  if (name.endsWith(".jsonl")) return "application/jsonl";
  if (name.endsWith(".ndjson")) return "application/x-ndjson";
  return file.type || "application/octet-stream";
}

/** The share of the body sent, 0 to 1; an upload whose length the browser cannot tell counts as not started. */
export function uploadFraction(loaded: number, total: number, lengthComputable: boolean): number {
  if (!lengthComputable || total <= 0) return 0;
  return Math.min(1, Math.max(0, loaded / total));
}

function problemOf(xhr: XMLHttpRequest): Problem | undefined {
  try {
    return JSON.parse(xhr.responseText) as Problem;
  } catch {
    return undefined;
  }
}

/**
 * Uploads a campaign's audience with the body's progress. fetch() reports no upload progress, so this is an
 * XMLHttpRequest, sent as the typed client sends writes: the session cookie and the X-CSRF-Token header.
 */
export function uploadAudience(
  campaignId: string,
  file: Blob & { name: string },
  onProgress: (progress: UploadProgress) => void,
  signal?: AbortSignal,
): Promise<AudienceResponse> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", `/v1/campaigns/${encodeURIComponent(campaignId)}/audience`);
    xhr.withCredentials = true;
    xhr.setRequestHeader("Content-Type", audienceContentType(file));
    xhr.setRequestHeader("Accept", "application/json");
    const token = getCsrfToken();
    if (token) xhr.setRequestHeader("X-CSRF-Token", token);

    xhr.upload.onprogress = (e) => {
      onProgress({ phase: "uploading", loaded: e.loaded, total: e.total, fraction: uploadFraction(e.loaded, e.total, e.lengthComputable) });
    };
    // The body is up; the gateway answers once it has checked the last rows and stored the audience.
    xhr.upload.onload = () => onProgress({ phase: "checking" });
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        let audience: AudienceResponse;
        try {
          audience = JSON.parse(xhr.responseText) as AudienceResponse;
        } catch {
          reject(new ApiError(xhr.status, { title: "The gateway's answer could not be read." }));
          return;
        }
        onProgress({ phase: "done", audience });
        resolve(audience);
      } else {
        reject(new ApiError(xhr.status, problemOf(xhr)));
      }
    };
    xhr.onerror = () => reject(new Error("The upload did not reach the gateway: check the connection and try again."));
    xhr.onabort = () => reject(new DOMException("The upload was cancelled.", "AbortError"));
    signal?.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}
