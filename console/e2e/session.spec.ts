import { test, expect, signIn, expectNoSeriousA11yViolations, shot, api } from "./fixtures";

test("an admin signs in with a key that the browser never stores, and a reload keeps the session", async ({ page, org }) => {
  await signIn(page, org.adminKey);

  await expect(page).toHaveURL(/\/overview$/);
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie);
  expect(stored).not.toContain(org.adminKey.slice(0, 20));
  await page.reload();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
});

test("a key that is not valid shows the gateway's problem on the sign-in page", async ({ page }) => {
  await page.goto("/");
  await page.getByLabel("API key").fill("sk_not-a-key");
  await page.getByRole("button", { name: "Sign in" }).click();

  await expect(page.getByRole("alert")).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await shot(page, "sign-in-refused");
});

test("signing out ends the session in the browser", async ({ page, org }) => {
  await signIn(page, org.adminKey);

  await page.getByRole("button", { name: "Sign out" }).click();

  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
});

test("revoking the key signs the console out on its next call", async ({ page, org }) => {
  const key = await api(org.adminKey).post<{ id: string; key: string }>("/v1/api-keys", { name: "console", scope: "admin" });
  await signIn(page, key.key);

  await api(org.adminKey).delete(`/v1/api-keys/${key.id}`);
  await page.reload();

  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
});

test("a link into the console opens it there, and the API's paths are never answered with the page", async ({ page, request, org }) => {
  await signIn(page, org.adminKey);

  await page.goto("/templates");
  await expect(page.getByRole("heading", { name: "Templates", level: 1 })).toBeVisible();
  const unknown = await request.get("/v1/no-such-thing");
  expect(unknown.status()).toBe(404);
  expect(unknown.headers()["content-type"]).toContain("application/problem+json");
});

test("the frame works at a phone's width", async ({ page, org }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, org.adminKey);

  await page.getByRole("button", { name: "Toggle navigation" }).click();
  await page.getByRole("link", { name: "Templates" }).click();

  await expect(page.getByRole("heading", { name: "Templates", level: 1 })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
});
