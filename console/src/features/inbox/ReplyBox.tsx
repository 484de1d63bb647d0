import { useEffect, useState, type FormEvent } from "react";
import { ActionIcon, Alert, Button, Group, Select, Stack, Text, TextInput, Textarea } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { fieldError } from "../../api/problem";
import { Pager } from "../../components/Pager";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useCursorPages } from "../../components/useCursorPages";
import { inboxKeys, listReplyTemplates, reply, type Conversation, type Reply } from "./api";
import { formatRemaining, replyWindow, type ReplyWindow } from "./replyWindow";
import { formatWhen } from "./format";

/** A fresh key per reply draft; crypto.randomUUID needs a secure context, which a plain-HTTP host is not. */
function newKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The current time, again every 30 seconds: the WhatsApp window closes while the page is open. */
function useNow(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 30_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

function WindowLine({ window }: { window: ReplyWindow }) {
  if (window.kind === "none") return null; // SMS: reply any time
  if (window.kind === "open") {
    return (
      <Text size="xs" c="dimmed" data-testid="reply-window">
        WhatsApp 24-hour window: free text until {formatWhen(window.endsAt.toISOString())} ({formatRemaining(window.remainingMs)} left).
      </Text>
    );
  }
  return (
    <Alert color="yellow" variant="light" title="Outside the WhatsApp 24-hour window" data-testid="reply-window">
      {window.endedAt ? `The window closed at ${formatWhen(window.endedAt.toISOString())}. ` : ""}
      WhatsApp allows only an approved template until the customer writes again.
    </Alert>
  );
}

interface Variable { key: string; value: string; hint?: string }

/** The org's WhatsApp templates, a page at a time; without any (or when they cannot be read) the agent enters the SID. */
function TemplateChoice({ onPick }: { onPick(contentSid: string, variables: Variable[]): void }) {
  const pages = useCursorPages(["inbox", "reply-templates"], listReplyTemplates);
  const options = pages.items.flatMap((t) => Object.entries(t.versions).map(([locale, v]) => ({
    value: `${t.id}/${locale}`, label: `${t.name} (${locale})`, sid: v.contentSid, variables: v.variables,
  })));
  if (pages.error || (!pages.isLoading && options.length === 0 && !pages.hasPrevious)) return null;
  return (
    <>
      <Select
        label="WhatsApp template"
        description="Fills in its Content SID and variables."
        placeholder={pages.isLoading ? "Loading templates…" : "Pick a template"}
        data={options.map(({ value, label }) => ({ value, label }))}
        searchable
        onChange={(value) => {
          const o = options.find((x) => x.value === value);
          if (o) onPick(o.sid, Object.entries(o.variables).map(([key, slug]) => ({ key, value: "", hint: slug })));
        }}
      />
      <Pager {...pages} />
    </>
  );
}

/**
 * The agent's answer: free text, or outside the WhatsApp window a template (Content SID and its variables).
 * One Idempotency-Key per draft, so a double click or a retry sends it once.
 */
export function ReplyBox({ conversation }: { conversation: Conversation }) {
  const queries = useQueryClient();
  const now = useNow();
  const window = replyWindow(conversation, now);
  const [text, setText] = useState("");
  const [contentSid, setContentSid] = useState("");
  const [variables, setVariables] = useState<Variable[]>([]);
  const [key, setKey] = useState(newKey);
  const [useTemplate, setUseTemplate] = useState(false);
  const [sentCount, setSentCount] = useState(0);
  const templateOnly = window.kind === "closed";
  const asTemplate = templateOnly || (useTemplate && conversation.channelType === "whatsapp");

  const send = useMutation({
    mutationFn: (body: Reply) => reply(conversation.conversationId, body, key),
    onSuccess: () => {
      setText("");
      setContentSid("");
      setVariables([]);
      setKey(newKey());
      setUseTemplate(false);
      setSentCount((n) => n + 1);
      void queries.invalidateQueries({ queryKey: inboxKeys.conversation(conversation.conversationId) });
      void queries.invalidateQueries({ queryKey: inboxKeys.conversations }); // now answered
    },
  });

  // A changed draft is a new reply: it gets its own key (the gateway refuses one key for two different replies).
  const edit = <T,>(set: (v: T) => void) => (v: T) => {
    set(v);
    setKey(newKey());
    send.reset();
  };

  function submit(e: FormEvent) {
    e.preventDefault();
    if (send.isPending) return;
    if (asTemplate) {
      const vars = Object.fromEntries(variables.filter((v) => v.key.trim()).map((v) => [v.key.trim(), v.value]));
      send.mutate({ contentSid: contentSid.trim(), contentVariables: Object.keys(vars).length > 0 ? vars : undefined });
    } else {
      send.mutate({ text });
    }
  }

  if (conversation.status === "closed") {
    return <Text size="sm" c="dimmed">This conversation is closed: the customer's next message opens a new one.</Text>;
  }

  const canSend = asTemplate ? contentSid.trim() !== "" : text.trim() !== "";
  return (
    <form onSubmit={submit} aria-label="Reply">
      <Stack gap="xs">
        <WindowLine window={window} />
        {asTemplate ? (
          <Stack gap="xs">
            <TemplateChoice key={sentCount} onPick={(sid, vars) => { edit(setContentSid)(sid); setVariables(vars); }} />
            <TextInput
              label="Content SID"
              description="The Twilio content template to send (HX followed by 32 hexadecimal characters)."
              placeholder="HX…"
              value={contentSid}
              onChange={(e) => edit(setContentSid)(e.currentTarget.value)}
              error={fieldError(send.error, "contentSid")}
              required
            />
            {variables.map((v, i) => (
              <Group key={i} gap="xs" align="flex-end" wrap="nowrap">
                <TextInput
                  label={`Variable ${i + 1} name`}
                  value={v.key}
                  w={110}
                  onChange={(e) => { const key = e.currentTarget.value; edit(setVariables)(variables.map((x, j) => (j === i ? { ...x, key } : x))); }}
                />
                <TextInput
                  label={`Variable ${i + 1} value`}
                  value={v.value}
                  placeholder={v.hint}
                  style={{ flex: 1 }}
                  onChange={(e) => { const value = e.currentTarget.value; edit(setVariables)(variables.map((x, j) => (j === i ? { ...x, value } : x))); }}
                />
                <ActionIcon variant="default" size="lg" mb={1} aria-label={`Remove variable ${i + 1}`}
                  onClick={() => edit(setVariables)(variables.filter((_, j) => j !== i))}>×</ActionIcon>
              </Group>
            ))}
            <Text size="xs" c="red">{fieldError(send.error, "contentVariables")}</Text>
            <Group gap="xs">
              <Button variant="default" size="xs"
                onClick={() => edit(setVariables)([...variables, { key: String(variables.length + 1), value: "" }])}>
                Add a variable
              </Button>
              {!templateOnly ? <Button variant="subtle" size="xs" onClick={() => setUseTemplate(false)}>Write text instead</Button> : null}
            </Group>
          </Stack>
        ) : (
          <Textarea
            label="Your reply"
            placeholder="Write to the customer…"
            autosize
            minRows={2}
            maxRows={8}
            maxLength={1600}
            value={text}
            onChange={(e) => edit(setText)(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) submit(e);
            }}
            error={fieldError(send.error, "text")}
            description={`${text.length}/1600 · Ctrl+Enter sends`}
          />
        )}
        <ProblemAlert error={send.error} shown={["text", "contentSid", "contentVariables"]} />
        <Group justify="space-between" wrap="wrap">
          {!asTemplate && conversation.channelType === "whatsapp"
            ? <Button variant="subtle" size="xs" onClick={() => setUseTemplate(true)}>Send a template instead</Button>
            : <span />}
          <Button type="submit" loading={send.isPending} disabled={!canSend}>
            {asTemplate ? "Send template" : "Send"}
          </Button>
        </Group>
        {send.isSuccess ? <Text size="xs" c="teal.9" role="status">Sent.</Text> : null}
      </Stack>
    </form>
  );
}
