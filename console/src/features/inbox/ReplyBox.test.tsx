import { describe, expect, it, vi, beforeEach } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MantineProvider } from "@mantine/core";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import type { Conversation, ReplyTemplate } from "./api";

const reply = vi.fn();
let failWith: unknown;
let templates: ReplyTemplate[] = [];
vi.mock("./api", async (original) => ({
  ...(await original<typeof import("./api")>()),
  reply: (...args: unknown[]) => (failWith ? Promise.reject(failWith) : reply(...args)),
  listReplyTemplates: () => Promise.resolve({ items: templates, nextCursor: null }),
}));

const { ReplyBox } = await import("./ReplyBox");

// jsdom has no font loading; the reply's autosizing textarea listens to it.
Object.defineProperty(document, "fonts", { configurable: true, value: { addEventListener() {}, removeEventListener() {} } });

function conversation(over: Partial<Conversation>): Conversation {
  return {
    conversationId: "c", customer: "+14155550142", channelId: "ch", channelType: "whatsapp", status: "assigned",
    openedAt: "2026-12-07T10:00:00Z", transcript: [], ...over,
  };
}

function show(c: Conversation) {
  const queries = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  return render(
    <MantineProvider>
      <QueryClientProvider client={queries}><ReplyBox conversation={c} /></QueryClientProvider>
    </MantineProvider>,
  );
}

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();

beforeEach(() => {
  reply.mockReset();
  failWith = undefined;
  templates = [];
});

describe("the reply box", () => {
  it("inside the WhatsApp window, sends free text and says until when it may", async () => {
    reply.mockResolvedValue({ messageId: "m1" });
    show(conversation({ replyWindowEndsAt: inAnHour() }));

    expect(screen.getByTestId("reply-window")).toHaveTextContent(/free text until .*left/);
    await userEvent.type(screen.getByLabelText(/Your reply/), "Between 2 and 4 pm.");
    await userEvent.click(screen.getByRole("button", { name: "Send" }));

    await waitFor(() => expect(reply).toHaveBeenCalledWith("c", { text: "Between 2 and 4 pm." }, expect.any(String)));
    expect(await screen.findByText("Sent.")).toBeInTheDocument();
    expect(screen.getByLabelText(/Your reply/)).toHaveValue("");
  });

  it("outside the window, offers a template (Content SID and variables) instead of free text", async () => {
    reply.mockResolvedValue({ messageId: "m2" });
    show(conversation({ replyWindowEndsAt: "2026-12-01T00:00:00Z" }));

    expect(screen.queryByLabelText(/Your reply/)).not.toBeInTheDocument();
    expect(screen.getByText("Outside the WhatsApp 24-hour window")).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText(/Content SID/), "HX0123456789abcdef0123456789abcdef");
    await userEvent.click(screen.getByRole("button", { name: "Add a variable" }));
    await userEvent.type(screen.getByLabelText("Variable 1 value"), "Zoë");
    await userEvent.click(screen.getByRole("button", { name: "Send template" }));

    await waitFor(() => expect(reply).toHaveBeenCalledWith(
      "c", { contentSid: "HX0123456789abcdef0123456789abcdef", contentVariables: { "1": "Zoë" } }, expect.any(String)));
  });

  it("sends a double-clicked reply under one Idempotency-Key, and the next reply under a new one", async () => {
    let answer: (v: unknown) => void = () => {};
    reply.mockImplementation(() => new Promise((resolve) => { answer = resolve; }));
    show(conversation({ channelType: "sms", replyWindowEndsAt: null }));

    await userEvent.type(screen.getByLabelText(/Your reply/), "On my way");
    const send = screen.getByRole("button", { name: "Send" });
    fireEvent.click(send);
    fireEvent.click(send);
    await waitFor(() => expect(reply).toHaveBeenCalled());
    answer({ messageId: "m3" });
    await screen.findByText("Sent.");

    const keys = new Set(reply.mock.calls.map((call) => call[2]));
    expect(keys.size).toBe(1);

    reply.mockResolvedValue({ messageId: "m4" });
    await userEvent.type(screen.getByLabelText(/Your reply/), "Done");
    await userEvent.click(screen.getByRole("button", { name: "Send" }));
    await waitFor(() => expect(reply).toHaveBeenLastCalledWith("c", { text: "Done" }, expect.any(String)));
    expect(keys.has(reply.mock.lastCall?.[2])).toBe(false);
  });

  it("outside the window, fills in a template the agent picks from the org's WhatsApp templates", async () => {
    reply.mockResolvedValue({ messageId: "m5" });
    templates = [{
      id: "t", name: "Follow-up", defaultLocale: "en-US",
      versions: { "en-US": { contentSid: "HXaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", variables: { "1": "CustomerName" } } },
    }];
    show(conversation({ replyWindowEndsAt: "2026-12-01T00:00:00Z" }));

    await userEvent.click(await screen.findByPlaceholderText("Pick a template"));
    await userEvent.click(await screen.findByRole("option", { name: "Follow-up (en-US)", hidden: true }));
    expect(screen.getByLabelText(/Content SID/)).toHaveValue("HXaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    const value = screen.getByLabelText("Variable 1 value");
    expect(value).toHaveAttribute("placeholder", "CustomerName");
    await userEvent.type(value, "Zoë");
    await userEvent.click(screen.getByRole("button", { name: "Send template" }));

    await waitFor(() => expect(reply).toHaveBeenCalledWith(
      "c", { contentSid: "HXaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", contentVariables: { "1": "Zoë" } }, expect.any(String)));
  });

  it("shows the gateway's problem next to the text", async () => {
    const { ApiError } = await import("../../api/problem");
    failWith = new ApiError(400, { title: "Invalid", errors: { text: ["text is 1 to 1600 characters."] } });
    show(conversation({ channelType: "sms" }));

    await userEvent.type(screen.getByLabelText(/Your reply/), " x");
    await userEvent.click(screen.getByRole("button", { name: "Send" }));

    expect(await screen.findByText("text is 1 to 1600 characters.")).toBeInTheDocument();
  });
});
