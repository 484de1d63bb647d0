import { test, expect, signIn, expectNoSeriousA11yViolations, shot, api } from "./fixtures";

/** A channel on the provider fake's development Twilio account, a template and a configuration, through the API. */
async function arrangeConfiguration(adminKey: string) {
  const client = api(adminKey);
  const channel = await client.post<{ id: string }>("/v1/channels", {
    name: "Support SMS", type: "sms", provider: "twilio", from: "+14155550100",
    twilio: { accountSid: "AC00000000000000000000000000000000", authToken: "dev-twilio-token" },
  });
  const template = await client.post<{ id: string }>("/v1/templates", {
    name: "Spring offer", channelType: "sms", defaultLocale: "en-US",
    versions: { "en-US": { body: "Hi {CustomerName}, our spring offer is here." } },
  });
  const configuration = await client.post<{ configurationId: string }>("/v1/outbound-configurations", {
    name: "Spring offer SMS", showInTimeline: true, channelType: "sms", channelId: channel.id, templateId: template.id,
  });
  return { channelId: channel.id, configurationId: configuration.configurationId };
}

test("an admin makes a key shown once and revokes it, a queue and an agent, a campaign from an uploaded audience, and a schedule", async ({ page, org }) => {
  await arrangeConfiguration(org.adminKey);
  await signIn(page, org.adminKey);

  // API keys: the new key is shown once, then only its prefix.
  await page.getByRole("link", { name: "API keys" }).click();
  await expect(page.getByRole("heading", { name: "API keys", level: 1 })).toBeVisible();
  await page.getByLabel("Name", { exact: false }).first().fill("Billing integration");
  await page.getByRole("button", { name: "Create the key" }).click();
  const shownOnce = page.getByRole("dialog", { name: "Copy the new API key now" });
  await expect(shownOnce).toContainText("You will not see it again");
  const key = (await shownOnce.getByTestId("new-api-key").textContent()) ?? "";
  expect(key).toMatch(/^sk_/);
  await expectNoSeriousA11yViolations(page);
  await shot(page, "api-keys");
  await shownOnce.getByRole("button", { name: "I have copied it" }).click();
  await expect(shownOnce).toBeHidden();
  const row = page.getByRole("row", { name: /Billing integration/ });
  await expect(row).toBeVisible();
  await expect(page.getByText(key)).toHaveCount(0);
  await row.getByRole("button", { name: "Revoke Billing integration" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke the key" }).click();
  await expect(row).toHaveCount(0);

  // A queue for the channel, and an agent serving it.
  await page.getByRole("link", { name: "Queues" }).click();
  await page.getByRole("link", { name: "Create a queue" }).click();
  await page.getByRole("textbox", { name: "Name" }).fill("Support");
  await page.getByRole("combobox", { name: "Channels" }).click();
  await page.getByRole("option", { name: "Support SMS (SMS)" }).click();
  await page.keyboard.press("Escape");
  await expectNoSeriousA11yViolations(page);
  await page.getByRole("button", { name: "Create the queue" }).click();
  await expect(page.getByRole("row", { name: /Support\s+Support SMS \(SMS\)\s+round-robin/ })).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  await page.getByRole("link", { name: "Agents" }).click();
  await page.getByRole("link", { name: "Create an agent" }).click();
  await page.getByRole("textbox", { name: "Name" }).fill("Ana");
  await page.getByRole("combobox", { name: "Queues" }).click();
  await page.getByRole("option", { name: "Support" }).click();
  await page.keyboard.press("Escape");
  await page.getByRole("button", { name: "Create the agent" }).click();
  await expect(page.getByRole("heading", { name: "Agent: Ana" })).toBeVisible();
  await expect(page.getByText("offline", { exact: true })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await page.getByRole("combobox", { name: "Presence" }).click();
  await page.getByRole("option", { name: /^Available/ }).click();
  await expect(page.getByText("available", { exact: true })).toBeVisible();

  // A campaign: its audience uploaded with a progress bar that reaches done, then started.
  await page.getByRole("link", { name: "Campaigns" }).click();
  await page.getByRole("link", { name: "Create a campaign" }).click();
  await page.getByRole("textbox", { name: "Name" }).fill("Spring offer");
  await page.getByRole("combobox", { name: "Outbound configuration" }).click();
  await page.getByRole("option", { name: "Spring offer SMS" }).click();
  await expectNoSeriousA11yViolations(page);
  await page.getByRole("button", { name: "Create the campaign" }).click();
  await expect(page.getByRole("heading", { name: "Campaign: Spring offer" })).toBeVisible();

  const csv = "tocontactid,optin,CustomerName\n+14155550101,true,Ana\n+14155550102,true,Ben\n+14155550103,false,Chloé\nnot-a-number,true,Dan\n";
  await page.getByLabel("Audience file").setInputFiles({ name: "audience.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Done" })).toHaveText("Done: 3 valid rows, 1 refused.");
  await expect(page.getByRole("progressbar", { name: "Upload progress" })).toHaveAttribute("aria-valuenow", "100");
  await expect(page.getByText(/4 rows uploaded/)).toBeVisible();
  const report = page.getByRole("link", { name: "Download the row-error report (CSV)" });
  const errors = await page.request.get((await report.getAttribute("href"))!);
  expect(await errors.text()).toMatch(/^row,field,reason\r?\n4,tocontactid,/);
  await expectNoSeriousA11yViolations(page);
  await shot(page, "campaign");

  // Started, the page follows the campaign by itself until it completes.
  await page.getByRole("button", { name: "Start", exact: true }).click();
  await expect(page.getByText("completed", { exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText("100% of 3 contacts")).toBeVisible();

  // A schedule on a cron: its page shows the next run the API computed.
  await page.getByRole("link", { name: "Schedules" }).click();
  await page.getByRole("link", { name: "Create a schedule" }).click();
  await page.getByRole("textbox", { name: "Name" }).fill("Weekday reminder");
  await page.getByRole("combobox", { name: "Outbound configuration" }).click();
  await page.getByRole("option", { name: "Spring offer SMS" }).click();
  await page.getByRole("textbox", { name: "Contact 1: phone number" }).fill("+14155550110");
  await expectNoSeriousA11yViolations(page);
  await page.getByRole("button", { name: "Create the schedule" }).click();
  await expect(page.getByRole("heading", { name: "Schedule: Weekday reminder" })).toBeVisible();
  await expect(page.getByTestId("next-run")).not.toHaveText("none");
  await page.getByRole("link", { name: "Back to schedules" }).click();
  const scheduled = page.getByRole("row", { name: /Weekday reminder/ });
  await expect(scheduled).toContainText("30 8 * * 1-5");
  await expect(scheduled.getByRole("cell").nth(3)).not.toHaveText("—");
  await expectNoSeriousA11yViolations(page);
  await shot(page, "schedules");
});

test("the admin pages work at a phone's width", async ({ page, org }) => {
  const { channelId, configurationId } = await arrangeConfiguration(org.adminKey);
  const client = api(org.adminKey);
  const queue = await client.post<{ id: string }>("/v1/queues", { name: "Support", channelIds: [channelId], strategy: "least-active" });
  await client.post("/v1/agents", { name: "Ana", queueIds: [queue.id], capacity: 5 });
  const campaign = await client.post<{ id: string }>("/v1/campaigns", { name: "Spring offer", configurationId });
  await client.post("/v1/triggers", { name: "Case created notice", eventType: "case.created", configurationId, contact: { tocontactid: "/customer/phone" } });
  await client.post("/v1/schedules", { name: "Weekday reminder", configurationId, contacts: [{ tocontactid: "+14155550110", optin: true }], cron: "30 8 * * 1-5", timeZone: "Europe/Paris" });
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, org.adminKey);

  for (const [path, heading] of [
    ["/api-keys", "API keys"], ["/queues", "Queues"], ["/agents", "Agents"], ["/campaigns", "Campaigns"],
    [`/campaigns/${campaign.id}`, "Campaign: Spring offer"], ["/triggers", "Triggers"], ["/triggers/new", "Create a trigger"],
    ["/schedules", "Schedules"], ["/schedules/new", "Create a schedule"],
  ] as const) {
    await page.goto(path);
    await expect(page.getByRole("heading", { name: heading, level: 1 })).toBeVisible();
    await expectNoSeriousA11yViolations(page);
    await shot(page, `narrow${path.replace(/\//g, "-").replace(/-[0-9a-f-]{36}$/, "-detail")}`);
  }
});

test("a schedule the API refuses shows the problem next to the field it names", async ({ page, org }) => {
  await arrangeConfiguration(org.adminKey);
  await signIn(page, org.adminKey);

  await page.goto("/schedules/new");
  await page.getByRole("textbox", { name: "Name" }).fill("Broken");
  await page.getByRole("combobox", { name: "Outbound configuration" }).click();
  await page.getByRole("option", { name: "Spring offer SMS" }).click();
  await page.getByRole("textbox", { name: "Contact 1: phone number" }).fill("+14155550110");
  await page.getByRole("textbox", { name: "Cron" }).fill("61 * * * *");
  await page.getByRole("button", { name: "Create the schedule" }).click();

  const cron = page.getByRole("textbox", { name: "Cron" });
  await expect(cron).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText(/cron/i).and(page.locator(".mantine-InputWrapper-error"))).toBeVisible();
  await expectNoSeriousA11yViolations(page);
});
