import type { Page } from "@playwright/test";
import { api, expect, expectNoSeriousA11yViolations, shot, signIn, test } from "./fixtures";

/** The input labelled exactly `label` (a required one's label ends with an asterisk). */
const field = (page: Page, label: string) => page.getByLabel(new RegExp(`^${label.replace(/[()]/g, "\\$&")}( \\*)?$`));

// The copy button writes the Configuration ID to the clipboard; the test reads it back.
test.use({ permissions: ["clipboard-read", "clipboard-write"] });

// The admin flow of the web console: a channel on the provider fake, a template with a French version, a
// configuration whose ID is copied, and a test message followed until the fake reports it delivered.
test("an admin sets up a channel, a template and a configuration, and sends a test message that is delivered", async ({ page, org }) => {
  // The whole set-up through the UI, with an axe run on every page: longer than a test usually takes.
  test.setTimeout(180_000);
  await signIn(page, org.adminKey);

  // A Twilio SMS channel pointing at the provider fake (its development account).
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Channels" }).click();
  await expect(page.getByRole("heading", { name: "Channels" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await page.getByRole("link", { name: "New channel" }).click();
  await field(page, "Name").fill("Support SMS");
  await field(page, "From").fill("+14155550100");
  await field(page, "Account SID").fill("AC00000000000000000000000000000000");
  await field(page, "Auth token").fill("dev-twilio-token");
  await expectNoSeriousA11yViolations(page);
  await page.getByRole("button", { name: "Create channel" }).click();
  await expect(page.getByText("Saved.")).toBeVisible();
  await expect(page).toHaveURL(/\/channels\/[0-9a-f-]{36}$/);
  // The token is write-only: the form forgets it and says one is stored.
  await expect(field(page, "Auth token")).toHaveValue("");
  await expect(field(page, "Auth token")).toHaveAttribute("placeholder", /Stored/);
  // Saved again with the token left empty, the stored one is kept (the service would refuse a channel without one).
  await field(page, "Name").fill("Support SMS US");
  await expect(page.getByText("Saved.")).toBeHidden();
  await page.getByRole("button", { name: "Save channel" }).click();
  await expect(page.getByText("Saved.")).toBeVisible();

  // A template with a French version, previewed as typed and rendered by the service.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Templates" }).click();
  await expect(page.getByRole("heading", { name: "Templates" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await page.getByRole("link", { name: "New template" }).click();
  await field(page, "Name").fill("Case created");
  await field(page, "Message text (en)").fill("Hi {CustomerName}, we opened case {CaseName} for you.");
  await expect(page.locator("mark[data-slug]")).toHaveText(["{CustomerName}", "{CaseName}"]);
  await field(page, "Add a localized version").fill("fr");
  await page.getByRole("button", { name: "Add locale" }).click();
  await expect(page.getByRole("tab", { name: "fr" })).toHaveAttribute("aria-selected", "true");
  await field(page, "Message text (fr)").fill("Bonjour {CustomerName}, nous avons ouvert le dossier {CaseName}.");
  await field(page, "CustomerName").fill("Zoë");
  await field(page, "CaseName").fill("CAS-1042");
  const preview = page.getByTestId("sms-preview");
  await expect(preview).toContainText("Bonjour Zoë, nous avons ouvert le dossier CAS-1042.");
  // ë is outside the GSM-7 alphabet: the whole text goes as UCS-2.
  await expect(page.getByTestId("encoding")).toHaveText("UCS-2");
  await expect(page.getByTestId("segments")).toHaveText("1 segment");
  await page.getByRole("button", { name: "Create template" }).click();
  await expect(page).toHaveURL(/\/templates\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { name: "Case created", level: 1 })).toBeVisible();
  await page.getByRole("tab", { name: "fr" }).click();
  await field(page, "CustomerName").fill("Zoë");
  await field(page, "CaseName").fill("CAS-1042");
  await page.getByRole("button", { name: "Render with the service" }).click();
  const rendered = page.getByTestId("rendered");
  await expect(rendered).toContainText("Bonjour Zoë, nous avons ouvert le dossier CAS-1042.");
  await expect(rendered).toContainText("UCS-2");
  await expectNoSeriousA11yViolations(page);
  await shot(page, "templates-editor");

  // A configuration binding the two; saving it generates the Configuration ID, which the admin copies.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Outbound configurations" }).click();
  await expect(page.getByRole("heading", { name: "Outbound configurations" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await page.getByRole("link", { name: "New configuration" }).click();
  await field(page, "Name").fill("Case created");
  await page.getByRole("switch", { name: /^Show in timeline/ }).check();
  await page.getByRole("combobox", { name: "Channel", exact: true }).click();
  await page.getByRole("option", { name: "Support SMS US (+14155550100)" }).click();
  await page.getByRole("combobox", { name: "Message template", exact: true }).click();
  await page.getByRole("option", { name: "Case created" }).click();
  await expectNoSeriousA11yViolations(page);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page).toHaveURL(/\/configurations\/[0-9a-f-]{36}$/);
  const configurationId = page.url().split("/").pop()!;
  await expect(page.getByTestId("configuration-id")).toHaveText(configurationId);
  await page.getByRole("button", { name: "Copy ID" }).click();
  await expect(page.getByRole("button", { name: "Copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(configurationId);
  await shot(page, "configuration");

  // A test message in French, followed live until the provider fake's callback says delivered.
  await field(page, "To").fill("+14155550142");
  await field(page, "Locale").fill("fr");
  await field(page, "Entity relationship name").fill("incident_msdyn_ocoutboundmessages");
  await page.getByRole("textbox", { name: "CustomerName" }).fill("Zoë");
  await page.getByRole("textbox", { name: "CaseName" }).fill("CAS-1042");
  await page.getByRole("button", { name: "Preview" }).click();
  await expect(page.getByTestId("configuration-preview")).toContainText("Bonjour Zoë, nous avons ouvert le dossier CAS-1042.");
  await page.getByRole("button", { name: "Send test message" }).click();
  await expect(page.getByTestId("message-status")).toHaveText("delivered", { timeout: 30_000 });
  await expect(page.getByTestId("test-message")).toContainText("Bonjour Zoë, nous avons ouvert le dossier CAS-1042.");
  await expectNoSeriousA11yViolations(page);
  // Tall enough to show the form and the message's status history together.
  await page.setViewportSize({ width: 1280, height: 1100 });
  await shot(page, "test-send");

  // The same page on a phone.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByTestId("configuration-id")).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await shot(page, "configuration-narrow");

  // The three lists, now with a row each, on the phone too.
  for (const [path, row] of [["/channels", "Support SMS US"], ["/templates", "Case created"], ["/configurations", "Case created"]] as const) {
    await page.goto(path);
    await expect(page.getByRole("link", { name: row })).toBeVisible();
    await expectNoSeriousA11yViolations(page);
  }
});

test("a template in use is not deleted and the console names what uses it; once its configuration is gone it is", async ({ page, org }) => {
  const admin = api(org.adminKey);
  const channel = await admin.post("/v1/channels", {
    name: "Support SMS", type: "sms", provider: "twilio", from: "+14155550100",
    twilio: { accountSid: "AC00000000000000000000000000000000", authToken: "dev-twilio-token" },
  });
  const template = await admin.post("/v1/templates", {
    name: "Shipping delay", channelType: "sms", defaultLocale: "en", versions: { en: { body: "Your parcel is late." } },
  });
  const configuration = await admin.post("/v1/outbound-configurations", {
    name: "Delay notice", showInTimeline: true, channelType: "sms", channelId: channel.id, templateId: template.id,
  });
  await signIn(page, org.adminKey);

  await page.goto(`/templates/${template.id}`);
  await page.getByRole("button", { name: "Delete the template" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Delete", exact: true }).click();
  await expect(dialog.getByRole("alert")).toContainText("Outbound configurations use this");
  await expectNoSeriousA11yViolations(page);
  await dialog.getByRole("button", { name: "Close" }).first().click();

  await page.goto(`/configurations/${configuration.configurationId}`);
  await page.getByRole("button", { name: "Delete the configuration" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete", exact: true }).click();
  await expect(page).toHaveURL(/\/configurations$/);
  await page.goto(`/templates/${template.id}`);
  await page.getByRole("button", { name: "Delete the template" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete", exact: true }).click();

  await expect(page).toHaveURL(/\/templates$/);
  await expect(page.getByRole("link", { name: "Shipping delay" })).toHaveCount(0);
});
