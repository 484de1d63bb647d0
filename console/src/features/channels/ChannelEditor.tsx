import { useState } from "react";
import { Link, useLocation, useNavigate, useParams } from "react-router";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  Anchor, Button, Code, CopyButton, Group, Loader, Paper, PasswordInput, SegmentedControl, Stack, Text, TextInput, Title,
} from "@mantine/core";
import { api, unwrap } from "../../api/client";
import { fieldError } from "../../api/problem";
import { PageHeader } from "../../components/PageHeader";
import { ProblemAlert } from "../../components/ProblemAlert";
import { DeleteButton } from "../../components/DeleteButton";
import { channelFields, fromChannel, newChannelDraft, toChannelRequest, type ChannelDraft, type ChannelResponse } from "./channelDraft";

/** A new channel (`/channels/new`) or a stored one (`/channels/:id`). */
export function ChannelEditor() {
  const { id } = useParams();
  const stored = useQuery({
    queryKey: ["channels", id],
    queryFn: async () => unwrap(await api.GET("/v1/channels/{id}", { params: { path: { id: id! } } })),
    enabled: id !== undefined,
  });
  if (id === undefined) return <ChannelForm key="new" />;
  if (stored.error) return <><BackLink /><ProblemAlert error={stored.error} /></>;
  if (!stored.data) return <Loader role="status" aria-label="Loading the channel" />;
  return <ChannelForm key={id} stored={stored.data} />;
}

function BackLink() {
  return <Anchor component={Link} to="/channels" size="sm">← All channels</Anchor>;
}

function ChannelForm({ stored }: { stored?: ChannelResponse }) {
  const navigate = useNavigate();
  const location = useLocation();
  const queries = useQueryClient();
  const [draft, setDraft] = useState<ChannelDraft>(stored ? fromChannel(stored) : newChannelDraft());
  const [saved, setSaved] = useState(Boolean((location.state as { created?: boolean } | null)?.created));
  const id = stored?.id;

  const save = useMutation({
    mutationFn: async (d: ChannelDraft) => {
      const body = toChannelRequest(d);
      return id === undefined
        ? unwrap(await api.POST("/v1/channels", { body }))
        : unwrap(await api.PUT("/v1/channels/{id}", { params: { path: { id } }, body }));
    },
    onSuccess: async (c) => {
      await queries.invalidateQueries({ queryKey: ["channels"] });
      setSaved(true);
      // The typed secrets are stored now; the form forgets them.
      setDraft((d) => ({ ...d, authToken: "", accessKey: "", eventsSecret: "" }));
      if (id === undefined) {
        queries.setQueryData(["channels", c.id], c);
        navigate(`/channels/${c.id}`, { replace: true, state: { created: true } });
      }
    },
  });

  const set = <K extends keyof ChannelDraft>(key: K, value: ChannelDraft[K]) => {
    setSaved(false);
    setDraft((d) => ({ ...d, [key]: value }));
  };
  const err = (field: string) => fieldError(save.error, field);
  const current = save.data ?? stored;
  const secretHelp = (isSet: boolean | undefined) =>
    isSet ? "Stored and never shown. Leave it empty to keep it; type a new one to replace it." : "Write-only: once saved it is never shown again.";

  return (
    <>
      <BackLink />
      <PageHeader
        title={id === undefined ? "New channel" : draft.name || "Channel"}
        description="A sender: the number or Messaging Service messages go out from, with the provider account that sends them."
        actions={id !== undefined ? (
          <DeleteButton noun="channel" name={draft.name} listKey="channels" listPath="/channels"
            message="A channel that outbound configurations use cannot be deleted: the gateway names them."
            remove={async () => unwrap(await api.DELETE("/v1/channels/{id}", { params: { path: { id } } }))} />
        ) : undefined}
      />
      <form onSubmit={(e) => { e.preventDefault(); save.mutate(draft); }} noValidate>
        <Stack maw={640}>
          <TextInput label="Name" required value={draft.name} error={err("name")} onChange={(e) => set("name", e.currentTarget.value)} />
          <Group gap="xl" align="flex-start" wrap="wrap">
            <Stack gap={4}>
              <Text size="sm" fw={500} id="channel-provider">Provider</Text>
              <SegmentedControl
                role="radiogroup" aria-labelledby="channel-provider" value={draft.provider}
                onChange={(v) => { set("provider", v as ChannelDraft["provider"]); if (v === "acs") set("type", "sms"); }}
                data={[{ value: "twilio", label: "Twilio" }, { value: "acs", label: "Azure (ACS)" }]}
              />
              {err("provider") ? <Text c="red" size="xs">{err("provider")}</Text> : null}
            </Stack>
            <Stack gap={4}>
              <Text size="sm" fw={500} id="channel-type">Channel type</Text>
              <SegmentedControl
                role="radiogroup" aria-labelledby="channel-type" value={draft.type}
                onChange={(v) => set("type", v as ChannelDraft["type"])}
                data={[{ value: "sms", label: "SMS" }, { value: "whatsapp", label: "WhatsApp", disabled: draft.provider === "acs" }]}
              />
              {err("type") ? <Text c="red" size="xs">{err("type")}</Text> : null}
            </Stack>
          </Group>
          <TextInput
            label="From" value={draft.from} error={err("from")} onChange={(e) => set("from", e.currentTarget.value)}
            placeholder={draft.type === "whatsapp" ? "whatsapp:+14155550100" : "+14155550100"}
            description={draft.type === "whatsapp" ? "whatsapp: and the sender's E.164 number." : "The sender's E.164 number."}
          />
          {draft.provider === "twilio" ? (
            <Paper withBorder p="md">
              <Title order={2} size="h5" mb="sm">Twilio account</Title>
              <Stack>
                {draft.type === "sms" ? (
                  <TextInput
                    label="Messaging Service SID" placeholder="MG…" value={draft.messagingServiceSid} error={err("messagingServiceSid")}
                    description="Optional: send through a Messaging Service instead of the From number."
                    onChange={(e) => set("messagingServiceSid", e.currentTarget.value)}
                  />
                ) : null}
                <TextInput
                  label="Account SID" required placeholder="AC…" value={draft.accountSid}
                  error={err("twilio.accountSid") ?? err("twilio")} onChange={(e) => set("accountSid", e.currentTarget.value)}
                />
                <PasswordInput
                  label="Auth token" required={!stored?.twilio?.authTokenSet} autoComplete="new-password"
                  placeholder={stored?.twilio?.authTokenSet ? "Stored: leave empty to keep" : undefined}
                  description={secretHelp(stored?.twilio?.authTokenSet)}
                  value={draft.authToken} error={err("twilio.authToken")} onChange={(e) => set("authToken", e.currentTarget.value)}
                />
              </Stack>
            </Paper>
          ) : (
            <Paper withBorder p="md">
              <Title order={2} size="h5" mb="sm">Azure Communication Services resource</Title>
              <Stack>
                <TextInput
                  label="Endpoint" required placeholder="https://<resource>.communication.azure.com/" value={draft.endpoint}
                  error={err("acs.endpoint") ?? err("acs")} onChange={(e) => set("endpoint", e.currentTarget.value)}
                />
                <PasswordInput
                  label="Access key" required={!stored?.acs?.accessKeySet} autoComplete="new-password"
                  placeholder={stored?.acs?.accessKeySet ? "Stored: leave empty to keep" : undefined}
                  description={secretHelp(stored?.acs?.accessKeySet)}
                  value={draft.accessKey} error={err("acs.accessKey")} onChange={(e) => set("accessKey", e.currentTarget.value)}
                />
                <PasswordInput
                  label="Events secret" autoComplete="new-password"
                  placeholder={stored?.acs?.eventsSecretSet ? "Stored: leave empty to keep" : "Optional"}
                  description="The code in the Event Grid subscription's URL, so delivery reports and replies are accepted (16–256 URL-safe characters). Write-only."
                  value={draft.eventsSecret} error={err("acs.eventsSecret")} onChange={(e) => set("eventsSecret", e.currentTarget.value)}
                />
              </Stack>
            </Paper>
          )}
          <ProblemAlert error={save.error} shown={channelFields} />
          <Group>
            <Button type="submit" loading={save.isPending}>{id === undefined ? "Create channel" : "Save channel"}</Button>
            <Text size="sm" c="teal.9" aria-live="polite">{saved && !save.isPending ? "Saved." : ""}</Text>
          </Group>
          {current?.inboundWebhookUrl ? <InboundWebhook url={current.inboundWebhookUrl} /> : null}
        </Stack>
      </form>
    </>
  );
}

function InboundWebhook({ url }: { url: string }) {
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h5">Customers' replies</Title>
      <Text size="sm" c="dimmed" mb="xs">
        In the Twilio console, set this URL as the number's (or Messaging Service's) "A message comes in" webhook, HTTP POST.
      </Text>
      <Group gap="xs" wrap="nowrap" align="flex-start">
        <Code block style={{ flex: 1, overflowWrap: "anywhere", whiteSpace: "pre-wrap" }}>{url}</Code>
        <CopyButton value={url}>
          {({ copied, copy }) => <Button size="xs" variant="default" onClick={copy}>{copied ? "Copied" : "Copy URL"}</Button>}
        </CopyButton>
      </Group>
    </Paper>
  );
}
