import { test, expect, signIn, expectNoSeriousA11yViolations, shot, api } from "./fixtures";
import { providerFakeUrl } from "./system";

const twilio = { accountSid: "AC00000000000000000000000000000000", authToken: "dev-twilio-token" };
const business = "+14155550100";
const customer = "+14155550142";

interface LedgerEntry { to: string; body?: string | null; contentSid?: string | null }

/** The provider fake plays the customer's handset: it posts a signed inbound webhook to the channel's URL. */
async function customerWrites(webhookUrl: string, body: string) {
  const response = await fetch(`${providerFakeUrl}/_inbound/twilio`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ webhookUrl, from: customer, to: business, body }),
  });
  expect((await response.json() as { status: number | null }).status).toBe(200);
}

async function ledger(): Promise<LedgerEntry[]> {
  return (await fetch(`${providerFakeUrl}/_ledger`)).json() as Promise<LedgerEntry[]>;
}

test("a customer's reply reaches the agent's inbox live, and the agent's answer reaches the provider", async ({ page, org }) => {
  // Arranged through the public API as an admin: a channel on the fake, the SMS the customer will answer, a queue
  // taking the channel's conversations, and an agent with a key of their own.
  const admin = api(org.adminKey);
  const channel = await admin.post<{ id: string; inboundWebhookUrl: string }>("/v1/channels", {
    name: "Support SMS", type: "sms", provider: "twilio", from: business, twilio,
  });
  const template = await admin.post<{ id: string }>("/v1/templates", {
    name: "Technician booked", channelType: "sms", defaultLocale: "en-US",
    versions: { "en-US": { body: "Hi {CustomerName}, a technician is booked for case {CaseName} tomorrow." } },
  });
  const configuration = await admin.post<{ configurationId: string }>("/v1/outbound-configurations", {
    name: "Technician booked", showInTimeline: true, channelType: "sms", channelId: channel.id, templateId: template.id,
  });
  await admin.post(`/v1/outbound-configurations/${configuration.configurationId}/send`, {
    contacts: [{
      tocontactid: customer, optin: true, contextitems: { CustomerName: "Zoë", CaseName: "CAS-1042" },
      entityrelationshipname: "incident_msdyn_ocoutboundmessages",
    }],
  });
  const queue = await admin.post<{ id: string }>("/v1/queues", { name: "Support", channelIds: [channel.id], strategy: "least-active" });
  const agent = await admin.post<{ id: string }>("/v1/agents", { name: "Ana", queueIds: [queue.id], capacity: 5 });
  const agentKey = await admin.post<{ key: string }>(`/v1/agents/${agent.id}/api-keys`, { name: "Ana's desk" });

  // The agent signs in with their key and goes available (a new agent is offline).
  await signIn(page, agentKey.key);
  await expect(page).toHaveURL(/\/inbox$/);
  const available = page.getByRole("switch", { name: "Available" });
  await expect(available).not.toBeChecked();
  await available.click();
  await expect(available).toBeChecked();
  await expect(page.getByText("New conversations come to you.")).toBeVisible();
  await expect(page.getByText("Live", { exact: true })).toBeVisible();

  // The customer answers the SMS: the conversation appears without a reload, unread.
  await customerWrites(channel.inboundWebhookUrl, "Is the technician still coming?");
  const conversations = page.getByRole("navigation", { name: "Conversations" });
  const item = conversations.getByRole("link", { name: new RegExp(customer.replace("+", "\\+")) });
  await expect(item).toBeVisible();
  await expect(item.getByLabel("1 unread")).toBeVisible();
  await expect(page).toHaveTitle(/^\(1\) Inbox/);
  await expectNoSeriousA11yViolations(page);
  await shot(page, "inbox");

  // The agent opens it: the message it answers on top (its configuration and what it regards), then the transcript.
  await item.click();
  const answers = page.getByRole("region", { name: "The message this conversation answers" });
  await expect(answers).toContainText("a technician is booked for case CAS-1042");
  await expect(answers).toContainText("incident_msdyn_ocoutboundmessages");
  await expect(answers).toContainText(configuration.configurationId);
  const transcript = page.getByRole("log", { name: "Transcript" });
  await expect(transcript).toContainText("Is the technician still coming?");
  await expect(item.getByLabel("1 unread")).toBeHidden();
  await expect(page).toHaveTitle(/^Inbox/);

  // A second message appears while it is open.
  await customerWrites(channel.inboundWebhookUrl, "I am home after 2 pm.");
  await expect(transcript).toContainText("I am home after 2 pm.");

  const answer = "Yes: between 2 and 4 pm, CAS-1042.";
  await page.getByLabel(/Your reply/).fill(answer);
  await page.getByRole("button", { name: "Send", exact: true }).click();
  await expect(page.getByRole("status")).toHaveText("Sent.");
  await expect(transcript).toContainText(answer);
  await expect.poll(async () => (await ledger()).some((m) => m.to === customer && m.body === answer), { timeout: 15_000 }).toBe(true);

  await expectNoSeriousA11yViolations(page);
  await shot(page, "inbox-conversation");
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByRole("link", { name: "← All conversations" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await shot(page, "inbox-conversation-narrow");
});

test("on WhatsApp the agent sees until when free text is allowed, and transfers the conversation to a colleague", async ({ page, org }) => {
  const admin = api(org.adminKey);
  const channel = await admin.post<{ id: string; inboundWebhookUrl: string }>("/v1/channels", {
    name: "Support WhatsApp", type: "whatsapp", provider: "twilio", from: `whatsapp:${business}`, twilio,
  });
  await admin.post("/v1/templates", {
    name: "Appointment options", channelType: "whatsapp", defaultLocale: "en-US",
    versions: { "en-US": { contentSid: "HX0123456789abcdef0123456789abcdef", variables: { "1": "CustomerName" } } },
  });
  const queue = await admin.post<{ id: string }>("/v1/queues", { name: "WhatsApp support", channelIds: [channel.id], strategy: "round-robin" });
  const ana = await admin.post<{ id: string }>("/v1/agents", { name: "Ana", queueIds: [queue.id], capacity: 5 });
  const bob = await admin.post<{ id: string }>("/v1/agents", { name: "Bob", queueIds: [queue.id], capacity: 5 });
  const anaKey = await admin.post<{ key: string }>(`/v1/agents/${ana.id}/api-keys`, { name: "Ana's desk" });
  await api(anaKey.key).put("/v1/agents/me/presence", { status: "available" });

  await signIn(page, anaKey.key);
  await expect(page.getByText("Live", { exact: true })).toBeVisible();
  const response = await fetch(`${providerFakeUrl}/_inbound/twilio`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ webhookUrl: channel.inboundWebhookUrl, from: `whatsapp:${customer}`, to: `whatsapp:${business}`, body: "Hola, can I move my appointment?", profileName: "Zoë" }),
  });
  expect((await response.json() as { status: number | null }).status).toBe(200);

  const item = page.getByRole("navigation", { name: "Conversations" }).getByRole("link", { name: new RegExp(customer.replace("+", "\\+")) });
  await item.click();
  await expect(page.getByRole("heading", { name: `Zoë · ${customer}` })).toBeVisible();
  await expect(page.getByTestId("reply-window")).toContainText(/free text until .* \(23 h \d+ min left\)/);

  // A template may go at any time: the agent picks one of the org's WhatsApp templates and fills its variable.
  await page.getByRole("button", { name: "Send a template instead" }).click();
  await page.getByPlaceholder("Pick a template").click();
  await page.getByRole("option", { name: "Appointment options (en-US)" }).click();
  await expect(page.getByLabel(/Content SID/)).toHaveValue("HX0123456789abcdef0123456789abcdef");
  await page.getByLabel("Variable 1 value").fill("Zoë");
  await page.getByRole("button", { name: "Send template" }).click();
  await expect(page.getByRole("status")).toHaveText("Sent.");
  await expect.poll(async () => (await ledger()).some((m) => m.to === `whatsapp:${customer}` && m.contentSid === "HX0123456789abcdef0123456789abcdef"))
    .toBe(true);

  // Bob comes in; Ana hands the conversation over to him.
  await admin.put(`/v1/agents/${bob.id}/presence`, { status: "available" });
  await page.getByRole("button", { name: "Transfer" }).click();
  const dialog = page.getByRole("dialog", { name: "Transfer the conversation" });
  await dialog.getByRole("radio", { name: "Bob" }).check();
  await expectNoSeriousA11yViolations(page);
  await shot(page, "inbox-transfer");
  await dialog.getByRole("button", { name: "Transfer", exact: true }).click();

  await expect(page).toHaveURL(/\/inbox$/);
  await expect(item).toBeHidden();
  const conversationId = (await admin.get<{ items: { conversationId: string }[] }>("/v1/conversations")).items[0]!.conversationId;
  await expect.poll(async () => (await admin.get<{ agentId: string }>(`/v1/conversations/${conversationId}`)).agentId).toBe(bob.id);
});
