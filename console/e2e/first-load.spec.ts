import { gzipSync } from "node:zlib";
import type { Page, Response } from "@playwright/test";
import { test, expect } from "./fixtures";

const budget = 300 * 1024;

/** The JavaScript a page load fetched, gzipped as the gateway serves it. */
async function scriptsOf(page: Page, load: () => Promise<void>) {
  const scripts: Response[] = [];
  const onResponse = (r: Response) => r.request().resourceType() === "script" && scripts.push(r);
  page.on("response", onResponse);
  await load();
  await page.waitForLoadState("networkidle");
  page.off("response", onResponse);
  const gzipped = await Promise.all(scripts.map(async (r) => gzipSync(await r.body()).length));
  const bytes = gzipped.reduce((a, b) => a + b, 0);
  // The figure docs/design/console.md quotes: printed with the test's output.
  console.log(`${page.url()}: ${scripts.length} scripts, ${(bytes / 1024).toFixed(1)} KiB of gzipped JavaScript`);
  return { scripts, bytes };
}

test("the sign-in page loads at most 300 KB of gzipped JavaScript, served compressed", async ({ page }) => {
  const { scripts, bytes } = await scriptsOf(page, async () => {
    await page.goto("/");
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  });

  expect(scripts.length).toBeGreaterThan(0);
  expect(bytes).toBeLessThanOrEqual(budget);
  for (const r of scripts) expect(r.headers()["content-encoding"], r.url()).toMatch(/gzip|br/);
});

test("a signed-in admin's first load of the overview stays within 300 KB of gzipped JavaScript", async ({ page, org }) => {
  // Signed in through the API, so the browser's cache is still empty when the console first loads.
  expect((await page.request.post("/v1/session", { headers: { Authorization: `Bearer ${org.adminKey}` } })).ok()).toBe(true);

  const { scripts, bytes } = await scriptsOf(page, async () => {
    await page.goto("/overview");
    await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
  });

  expect(scripts.length).toBeGreaterThan(0);
  expect(bytes).toBeLessThanOrEqual(budget);
});
