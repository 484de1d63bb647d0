import { useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { Alert, Badge, Button, Code, Group, Paper, SimpleGrid, Stack, Switch, Text, TextInput, Timeline, Title } from "@mantine/core";
import type { components } from "../../api/schema";
import { api, unwrap } from "../../api/client";
import { fieldError } from "../../api/problem";
import { ProblemAlert } from "../../components/ProblemAlert";
import { slugsOf } from "../../components/slugs";
import { isFinal, sendFieldError, sendShownFields, statusColor, toSendBody, type TestSendDraft } from "./sendRequest";

type ConfigurationResponse = components["schemas"]["ConfigurationResponse"];

/** Sends one message through the configuration, as an integrator would, and follows it to its final status. */
export function TestSend({ configuration }: { configuration: ConfigurationResponse }) {
  const [draft, setDraft] = useState<TestSendDraft>({ to: "", locale: "", optin: true, regarding: "", values: {} });
  const template = useQuery({
    queryKey: ["templates", configuration.templateId],
    queryFn: async () => unwrap(await api.GET("/v1/templates/{id}", { params: { path: { id: configuration.templateId } } })),
  });
  // Every slug any version uses, so a send in any locale can be filled.
  const slugs = dedupe(Object.values(template.data?.versions ?? {}).flatMap((v) =>
    template.data?.channelType === "whatsapp" ? Object.values(v.variables ?? {}) : slugsOf(v.body ?? "")));

  const send = useMutation({
    mutationFn: async (d: TestSendDraft) => unwrap(await api.POST("/v1/outbound-configurations/{configurationId}/send", {
      params: { path: { configurationId: configuration.configurationId } },
      body: toSendBody(d),
    })),
  });
  // What the send would say, rendered by the service without sending.
  const preview = useMutation({
    mutationFn: async (d: TestSendDraft) => unwrap(await api.POST("/v1/outbound-configurations/{configurationId}/render", {
      params: { path: { configurationId: configuration.configurationId } },
      body: { locale: d.locale.trim() || undefined, contextitems: toSendBody(d).contacts![0]!.contextitems },
    })),
  });
  const result = send.data?.results[0];
  const set = <K extends keyof TestSendDraft>(key: K, value: TestSendDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const err = (field: string) => sendFieldError(send.error, field) ?? fieldError(preview.error, field);

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="test-send-title">
      <Title order={2} size="h4" id="test-send-title">Send a test message</Title>
      <Text size="sm" c="dimmed" mb="sm">One contact through this configuration, exactly as a send request; it counts against the hourly quota.</Text>
      <form onSubmit={(e) => { e.preventDefault(); preview.reset(); send.mutate(draft); }} noValidate>
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
            <TextInput
              label="To" required placeholder="+14155550142" description="The contact's number, E.164."
              value={draft.to} error={err("tocontactid")} onChange={(e) => set("to", e.currentTarget.value)}
            />
            <TextInput
              label="Locale" placeholder={template.data?.defaultLocale ?? "en"}
              description="Picks the template's version."
              value={draft.locale} error={err("locale")} onChange={(e) => set("locale", e.currentTarget.value)}
            />
          </SimpleGrid>
          <Switch
            label="The contact opted in" checked={draft.optin} error={err("optin")}
            description="Without opt-in the contact is skipped, as in a real send."
            onChange={(e) => set("optin", e.currentTarget.checked)}
          />
          {configuration.showInTimeline ? (
            <TextInput
              label="Entity relationship name" placeholder="incident_msdyn_ocoutboundmessages"
              description="What the message is regarding, so it shows on the customer's timeline."
              value={draft.regarding} error={err("entityrelationshipname")} onChange={(e) => set("regarding", e.currentTarget.value)}
            />
          ) : null}
          {slugs.length > 0 ? (
            <Stack gap="xs">
              <Text size="sm" fw={500}>Context values</Text>
              {slugs.map((slug) => (
                <TextInput
                  key={slug} label={slug} size="sm" value={draft.values[slug] ?? ""}
                  error={err(`contextitems.${slug}`)}
                  onChange={(e) => { const v = e.currentTarget.value; setDraft((d) => ({ ...d, values: { ...d.values, [slug]: v } })); }}
                />
              ))}
            </Stack>
          ) : null}
          <ProblemAlert error={send.error} shown={sendShownFields(slugs)} />
          <ProblemAlert error={preview.error} shown={["locale", ...slugs.map((slug) => `contextitems.${slug}`)]} />
          <Group gap="sm">
            <Button type="submit" loading={send.isPending}>Send test message</Button>
            <Button variant="default" loading={preview.isPending} onClick={() => { send.reset(); preview.mutate(draft); }}>Preview</Button>
          </Group>
          {preview.data && !send.data ? (
            <Paper bg="var(--mantine-color-gray-0)" p="sm" aria-live="polite" data-testid="configuration-preview">
              <Text size="xs" c="dimmed" mb={4}>It would send the {preview.data.locale} version:</Text>
              {preview.data.text != null ? (
                <>
                  <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>{preview.data.text}</Text>
                  <Text size="xs" c="dimmed" mt={4}>{preview.data.encoding} · {preview.data.segments} {preview.data.segments === 1 ? "segment" : "segments"}</Text>
                </>
              ) : (
                <Text size="sm"><Code>{preview.data.contentSid}</Code> {JSON.stringify(preview.data.contentVariables ?? {})}</Text>
              )}
            </Paper>
          ) : null}
        </Stack>
      </form>
      {result ? (
        result.status === "accepted" && result.messageId ? (
          <FollowMessage key={result.messageId} messageId={result.messageId} />
        ) : (
          <Alert mt="md" color="red" title={`Not sent: ${result.status.replaceAll("_", " ")}`} role="status">{result.reason}</Alert>
        )
      ) : null}
    </Paper>
  );
}

/** The message's status, read again every second until it is final. */
function FollowMessage({ messageId }: { messageId: string }) {
  const message = useQuery({
    queryKey: ["messages", messageId],
    queryFn: async () => unwrap(await api.GET("/v1/messages/{messageId}", { params: { path: { messageId } } })),
    refetchInterval: (query) => (isFinal(query.state.data?.status) ? false : 1000),
    staleTime: 0,
  });
  const m = message.data;
  return (
    <Stack mt="md" gap="xs" data-testid="test-message">
      <Text size="sm" style={{ overflowWrap: "anywhere" }}>Message <Code>{messageId}</Code></Text>
      <ProblemAlert error={message.error} />
      {m ? (
        <>
          <Group gap="xs" aria-live="polite" role="status">
            <Text size="sm">Status</Text>
            <Badge variant="dot" color={statusColor(m.status)} size="lg" data-testid="message-status">{m.status}</Badge>
            {!isFinal(m.status) ? <Text size="xs" c="dimmed">following it…</Text> : null}
          </Group>
          {m.body ? <Text size="sm" c="dimmed" style={{ whiteSpace: "pre-wrap" }}>“{m.body}”</Text> : null}
          {m.errorCode ? <Text size="sm" c="red">{m.errorCode}: {m.errorMessage}</Text> : null}
          <Timeline active={m.history.length - 1} bulletSize={14} lineWidth={2} mt="xs">
            {m.history.map((h, i) => (
              <Timeline.Item key={i} title={h.status}>
                <Text size="xs" c="dimmed">{new Date(h.at).toLocaleTimeString()}{h.errorCode ? ` · ${h.errorCode}` : ""}</Text>
              </Timeline.Item>
            ))}
          </Timeline>
        </>
      ) : null}
    </Stack>
  );
}

function dedupe(names: string[]): string[] {
  const seen = new Map<string, string>();
  for (const n of names) if (n && !seen.has(n.toLowerCase())) seen.set(n.toLowerCase(), n);
  return [...seen.values()];
}
