import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { test as base, expect, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { gatewayUrl, operatorKey } from "./system";

export { expect };

/** A new org of the test's own, and its first admin key. */
export interface Org {
  orgId: string;
  adminKey: string;
}

/** A tiny client of the public API, to arrange what a test is not about (the console is what it tests). */
export function api(key: string) {
  async function call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const response = await fetch(`${gatewayUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
  return {
    get: <T = any>(path: string) => call<T>("GET", path),
    post: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) => call<T>("POST", path, body, headers),
    put: <T = any>(path: string, body?: unknown) => call<T>("PUT", path, body),
    delete: <T = any>(path: string) => call<T>("DELETE", path),
  };
}

export const test = base.extend<{ org: Org }>({
  // eslint-disable-next-line no-empty-pattern
  org: async ({}, use, testInfo) => {
    const created = await api(operatorKey).post<{ orgId: string; apiKey: string }>("/v1/orgs", { name: `E2E ${testInfo.title}`.slice(0, 200) });
    await use({ orgId: created.orgId, adminKey: created.apiKey });
  },
});

/** Signs in through the sign-in page, as a user pasting their key does. */
export async function signIn(page: Page, key: string) {
  await page.goto("/");
  await page.getByLabel("API key").fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

/** axe-core on the page as it is now: no serious or critical violation (WCAG 2 A and AA rules). */
export async function expectNoSeriousA11yViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`)).toEqual([]);
}

const screenshots = resolve(import.meta.dirname, "screenshots");

/** Saves the page as it is now to e2e/screenshots/<name>.png (the README shows some of them). */
export async function shot(page: Page, name: string) {
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: resolve(screenshots, `${name}.png`) });
}
