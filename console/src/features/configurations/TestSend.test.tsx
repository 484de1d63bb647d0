import { beforeEach, describe, expect, it, vi } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { MantineProvider } from "@mantine/core";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";

const post = vi.fn();
const get = vi.fn();
vi.mock("../../api/client", async (original) => ({
  ...(await original<typeof import("../../api/client")>()),
  api: { POST: (...args: unknown[]) => post(...args), GET: (...args: unknown[]) => get(...args) },
}));

const { TestSend } = await import("./TestSend");

const ok = (data: unknown) => ({ data, response: new Response(null, { status: 200 }) });
const configuration = {
  configurationId: "c0ffee00-0000-0000-0000-000000000001", name: "Case created", showInTimeline: false, channelType: "sms" as const,
  channelId: "c1", templateId: "t1", version: 1, createdAt: "", updatedAt: "", active: true, transactional: false,
};
const template = {
  id: "t1", name: "Case created", channelType: "sms", defaultLocale: "en", version: 1, createdAt: "", updatedAt: "",
  versions: { en: { body: "Hi {CustomerName}" }, fr: { body: "Bonjour {CustomerName}, {CaseName}" } },
};
const message = (status: string, history: string[]) => ({
  messageId: "m-1", configurationId: configuration.configurationId, toContactId: "+14155550142", status, attempts: 1,
  provider: "twilio", ambiguous: false, acceptedAt: "2026-12-07T12:00:00Z", updatedAt: "2026-12-07T12:00:01Z", direction: "outbound",
  body: "Hi Ana", history: history.map((s) => ({ status: s, at: "2026-12-07T12:00:00Z" })),
});

function renderTestSend() {
  render(
    <MantineProvider>
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <TestSend configuration={configuration} />
      </QueryClientProvider>
    </MantineProvider>,
  );
}

describe("TestSend", () => {
  beforeEach(() => {
    post.mockReset();
    get.mockReset();
  });

  it("asks for a value of every slug of every version, and follows the message it sent until it is delivered", async () => {
    const statuses = [message("sent", ["accepted", "sending", "sent"]), message("delivered", ["accepted", "sending", "sent", "delivered"])];
    get.mockImplementation(async (path: string) =>
      path === "/v1/templates/{id}" ? ok(template) : ok(statuses.length > 1 ? statuses.shift() : statuses[0]));
    post.mockResolvedValue(ok({ results: [{ status: "accepted", messageId: "m-1" }] }));
    renderTestSend();

    fireEvent.change(screen.getByLabelText(/^To/), { target: { value: "+14155550142" } });
    fireEvent.change(await screen.findByLabelText("CustomerName"), { target: { value: "Ana" } });
    expect(screen.getByLabelText("CaseName")).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Send test message" }));

    expect(await screen.findByTestId("message-status")).toHaveTextContent("sent");
    await waitFor(() => expect(screen.getByTestId("message-status")).toHaveTextContent("delivered"), { timeout: 5_000 });
    expect(post).toHaveBeenCalledWith("/v1/outbound-configurations/{configurationId}/send", expect.objectContaining({
      body: { contacts: [expect.objectContaining({ tocontactid: "+14155550142", optin: true, contextitems: { CustomerName: "Ana" } })] },
    }));
  });

  it("says why a contact was not sent to", async () => {
    get.mockImplementation(async () => ok(template));
    post.mockResolvedValue(ok({ results: [{ status: "skipped_no_optin", reason: "The contact has not opted in." }] }));
    renderTestSend();

    fireEvent.change(screen.getByLabelText(/^To/), { target: { value: "+14155550142" } });
    fireEvent.click(screen.getByRole("switch", { name: /opted in/ }));
    fireEvent.click(screen.getByRole("button", { name: "Send test message" }));

    expect(await screen.findByText("Not sent: skipped no optin")).toBeInTheDocument();
    expect(screen.getByText("The contact has not opted in.")).toBeInTheDocument();
  });

  it("previews what it would send, and puts a missing slug's message by its input", async () => {
    get.mockImplementation(async () => ok(template));
    post.mockResolvedValueOnce({
      response: new Response(null, { status: 400 }),
      error: { errors: { "contextitems.CaseName": ["The template uses {CaseName}, but contextitems has no value for it."] } },
    });
    post.mockResolvedValueOnce(ok({ locale: "fr", text: "Bonjour Ana, CAS-1", encoding: "GSM-7", segments: 1 }));
    renderTestSend();

    fireEvent.change(screen.getByLabelText("Locale"), { target: { value: "fr-CA" } });
    fireEvent.change(await screen.findByLabelText("CustomerName"), { target: { value: "Ana" } });
    fireEvent.click(screen.getByRole("button", { name: "Preview" }));
    await waitFor(() => expect(screen.getByLabelText("CaseName")).toHaveAccessibleDescription(/no value for it/));

    fireEvent.change(screen.getByLabelText("CaseName"), { target: { value: "CAS-1" } });
    fireEvent.click(screen.getByRole("button", { name: "Preview" }));
    expect(await screen.findByTestId("configuration-preview")).toHaveTextContent("Bonjour Ana, CAS-1");
    expect(screen.getByTestId("configuration-preview")).toHaveTextContent("GSM-7 · 1 segment");
    expect(post).toHaveBeenLastCalledWith("/v1/outbound-configurations/{configurationId}/render", expect.objectContaining({
      body: { locale: "fr-CA", contextitems: { CustomerName: "Ana", CaseName: "CAS-1" } },
    }));
  });
});
