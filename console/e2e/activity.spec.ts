import { readFileSync } from "node:fs";
import { test, expect, signIn, expectNoSeriousA11yViolations, shot, api } from "./fixtures";

/** A number of this test's own: +1415 and seven random digits. */
function number(): string {
  return `+1415${Math.floor(2_000_000 + Math.random() * 7_000_000)}`;
}

/** A channel on the provider fake, an SMS template and a configuration shown in the timeline, then one request to `to`. */
async function sendThrough(key: string, to: string[]): Promise<string[]> {
  const client = api(key);
  const channel = await client.post<{ id: string }>("/v1/channels", {
    name: "Support SMS", type: "sms", provider: "twilio", from: "+14155550100",
    twilio: { accountSid: "AC00000000000000000000000000000000", authToken: "dev-twilio-token" },
  });
  const template = await client.post<{ id: string }>("/v1/templates", {
    name: "Case created", channelType: "sms", defaultLocale: "en-US",
    versions: { "en-US": { body: "Hi {CustomerName}, case {CaseName} is open." } },
  });
  const configuration = await client.post<{ configurationId: string }>("/v1/outbound-configurations", {
    name: "Case created", showInTimeline: true, channelType: "sms", channelId: channel.id, templateId: template.id,
  });
  const sent = await client.post<{ results: { messageId: string }[] }>(`/v1/outbound-configurations/${configuration.configurationId}/send`, {
    contacts: to.map((tocontactid) => ({ tocontactid, optin: true, contextitems: { CustomerName: "Ana", CaseName: "CAS-7" } })),
  });
  return sent.results.map((r) => r.messageId);
}

test("an admin watches today's messages, finds one by number, follows its status history and exports the recipients", async ({ page, org }) => {
  // Two that the fake delivers, and its magic number for "not a valid number" (Twilio's 21211).
  const [ana, ben] = [number(), number()];
  const ids = await sendThrough(org.adminKey, [ana, ben, "+15005550001"]);
  for (const [id, status] of [[ids[0], "delivered"], [ids[1], "delivered"], [ids[2], "failed"]] as const) {
    await expect.poll(async () => (await api(org.adminKey).get(`/v1/messages/${id}`)).status, { timeout: 30_000 }).toBe(status);
  }

  await signIn(page, org.adminKey);

  // Overview: today's three messages, two of three final ones delivered, one send request this hour.
  await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
  await expect(page.getByTestId("messages-today")).toHaveText("3");
  await expect(page.getByTestId("delivery-rate")).toHaveText("66.7%");
  await expect(page.getByTestId("quota-used")).toHaveText("1 of 30,000 send requests");
  await expect(page.getByRole("list", { name: "Messages today by status" })).toContainText("Failed: 1");
  await expect(page.locator(".recharts-bar-rectangle").first()).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  // The pointer left over the chart from signing in would open a tooltip in the picture.
  await page.mouse.move(0, 0);
  await shot(page, "overview");

  // Activity: every message, newest request first; then the search by one number.
  await page.getByRole("link", { name: "Activity" }).click();
  const rows = page.getByRole("table", { name: "Messages" }).locator("tbody tr");
  await expect(rows).toHaveCount(3);
  await expectNoSeriousA11yViolations(page);
  await shot(page, "activity");
  await page.getByLabel("Number").fill(ben);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(ben);
  await expect(rows.first()).toContainText("Delivered");
  await page.getByLabel("Status").selectOption("failed");
  await page.getByLabel("Number").fill("");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("+15005550001");
  await page.getByLabel("Status").selectOption("");
  await page.getByLabel("Number").fill(ben);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(rows).toHaveCount(1);

  // The message: what was sent, and its status history as a timeline.
  await rows.first().getByRole("link", { name: `Message to ${ben}` }).click();
  await expect(page.getByRole("heading", { name: "Status history" })).toBeVisible();
  const history = page.getByLabel("Status history", { exact: true });
  for (const status of ["Accepted", "Sending", "Sent", "Delivered"]) {
    await expect(history.getByText(status, { exact: true })).toBeVisible();
  }
  await expect(page.getByText("Hi Ana, case CAS-7 is open.")).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await shot(page, "message-detail");

  // The customer's timeline.
  await page.getByRole("link", { name: ben }).click();
  await expect(page.getByRole("heading", { name: `Timeline of ${ben}` })).toBeVisible();
  await expect(page.getByRole("list", { name: "Timeline" }).getByRole("listitem")).toHaveCount(1);
  await expectNoSeriousA11yViolations(page);

  // Reports: the chart, the totals, and the recipients as a CSV file.
  await page.getByRole("link", { name: "Reports" }).click();
  await expect(page.getByRole("heading", { name: "Reports", level: 1 })).toBeVisible();
  await expect(page.locator(".recharts-bar-rectangle").first()).toBeVisible();
  await expect(page.getByRole("table", { name: "Totals" })).toContainText("Delivered2");
  await expectNoSeriousA11yViolations(page);
  await page.mouse.move(0, 0);
  await shot(page, "reports");
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export CSV" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^recipients-.*\.csv$/);
  const csv = readFileSync((await file.path())!, "utf8").trim().split("\n");
  expect(csv[0]).toBe("messageId,tocontactid,status,errorCode,providerMessageId,acceptedAt,sentAt,finalAt,updatedAt");
  expect(csv.slice(1).map((line) => line.split(",")[0]).sort()).toEqual([...ids].sort());
  await expect(page.getByText("Downloaded 3 rows.")).toBeVisible();
});

test("a search the API cannot answer shows the problem next to the field it names", async ({ page, org }) => {
  await signIn(page, org.adminKey);
  await page.goto("/activity");

  await page.getByLabel("Accepted from").fill("2026-01-01T00:00");
  await page.getByLabel("Accepted until").fill("2025-01-01T00:00");
  await page.getByRole("button", { name: "Search" }).click();

  await expect(page.getByText("from is before until.")).toBeVisible();
  await expect(page.getByLabel("Accepted from")).toHaveAttribute("aria-invalid", "true");
  await expectNoSeriousA11yViolations(page);
});

test("the activity pages work at a phone's width", async ({ page, org }) => {
  const [ana] = [number()];
  const [id] = await sendThrough(org.adminKey, [ana]);
  await expect.poll(async () => (await api(org.adminKey).get(`/v1/messages/${id}`)).status, { timeout: 30_000 }).toBe("delivered");
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, org.adminKey);

  await page.goto("/activity");
  await expect(page.getByRole("table", { name: "Messages" }).locator("tbody tr")).toHaveCount(1);
  await shot(page, "activity-narrow");
  await page.goto(`/activity/messages/${id}`);
  await expect(page.getByRole("heading", { name: "Status history" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await shot(page, "message-detail-narrow");
  await page.goto("/overview");
  await expect(page.getByTestId("messages-today")).toHaveText("1");
  await shot(page, "overview-narrow");
});
