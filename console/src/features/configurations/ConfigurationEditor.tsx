import { useState } from "react";
import { Link, useLocation, useNavigate, useParams } from "react-router";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  Anchor, Button, Code, CopyButton, Group, Loader, Paper, SegmentedControl, Select, SimpleGrid, Stack, Switch, Text, TextInput, Title,
} from "@mantine/core";
import type { components } from "../../api/schema";
import { api, unwrap } from "../../api/client";
import { fieldError } from "../../api/problem";
import { PageHeader } from "../../components/PageHeader";
import { ProblemAlert } from "../../components/ProblemAlert";
import { DeleteButton } from "../../components/DeleteButton";
import { TestSend } from "./TestSend";

type ConfigurationResponse = components["schemas"]["ConfigurationResponse"];
type ChannelType = "sms" | "whatsapp";

interface ConfigurationDraft {
  name: string;
  showInTimeline: boolean;
  channelType: ChannelType;
  channelId: string | null;
  templateId: string | null;
  active: boolean;
}

// The pickers show one page of the largest size the API gives; an org with more is told to narrow by name.
const pickerPageSize = 200;

/** A new configuration (`/configurations/new`) or a stored one (`/configurations/:id`) with its test send. */
export function ConfigurationEditor() {
  const { id } = useParams();
  const stored = useQuery({
    queryKey: ["outbound-configurations", id],
    queryFn: async () => unwrap(await api.GET("/v1/outbound-configurations/{configurationId}", { params: { path: { configurationId: id! } } })),
    enabled: id !== undefined,
  });
  if (id === undefined) return <ConfigurationForm key="new" />;
  if (stored.error) return <><BackLink /><ProblemAlert error={stored.error} /></>;
  if (!stored.data) return <Loader role="status" aria-label="Loading the configuration" />;
  return <ConfigurationForm key={id} stored={stored.data} />;
}

function BackLink() {
  return <Anchor component={Link} to="/configurations" size="sm">← All outbound configurations</Anchor>;
}

function ConfigurationForm({ stored }: { stored?: ConfigurationResponse }) {
  const navigate = useNavigate();
  const location = useLocation();
  const queries = useQueryClient();
  const id = stored?.configurationId;
  const [draft, setDraft] = useState<ConfigurationDraft>(stored
    ? { name: stored.name, showInTimeline: stored.showInTimeline, channelType: stored.channelType, channelId: stored.channelId, templateId: stored.templateId, active: stored.active }
    : { name: "", showInTimeline: false, channelType: "sms", channelId: null, templateId: null, active: true });
  const [saved, setSaved] = useState(Boolean((location.state as { created?: boolean } | null)?.created));

  const channels = useQuery({
    queryKey: ["channels", "picker"],
    queryFn: async () => unwrap(await api.GET("/v1/channels", { params: { query: { limit: pickerPageSize } } })),
  });
  const templates = useQuery({
    queryKey: ["templates", "picker"],
    queryFn: async () => unwrap(await api.GET("/v1/templates", { params: { query: { limit: pickerPageSize } } })),
  });

  const save = useMutation({
    mutationFn: async (d: ConfigurationDraft) => {
      // Fields the form does not show (fallback channel, quiet hours) are kept as stored.
      const body = {
        fallbackChannelId: stored?.fallbackChannelId, fallbackAfterSeconds: stored?.fallbackAfterSeconds,
        quietHours: stored?.quietHours, transactional: stored?.transactional,
        ...d, name: d.name.trim(),
      };
      return id === undefined
        ? unwrap(await api.POST("/v1/outbound-configurations", { body }))
        : unwrap(await api.PUT("/v1/outbound-configurations/{configurationId}", { params: { path: { configurationId: id } }, body }));
    },
    onSuccess: async (c) => {
      await queries.invalidateQueries({ queryKey: ["outbound-configurations"] });
      setSaved(true);
      if (id === undefined) {
        queries.setQueryData(["outbound-configurations", c.configurationId], c);
        navigate(`/configurations/${c.configurationId}`, { replace: true, state: { created: true } });
      }
    },
  });

  const set = <K extends keyof ConfigurationDraft>(key: K, value: ConfigurationDraft[K]) => {
    setSaved(false);
    setDraft((d) => ({ ...d, [key]: value }));
  };
  const err = (field: string) => fieldError(save.error, field);

  const channelOptions = (channels.data?.items ?? []).filter((c) => c.type === draft.channelType)
    .map((c) => ({ value: c.id, label: `${c.name} (${c.from ?? c.messagingServiceSid})` }));
  const templateOptions = (templates.data?.items ?? []).filter((t) => t.channelType === draft.channelType)
    .map((t) => ({ value: t.id, label: t.name }));

  return (
    <>
      <BackLink />
      <PageHeader
        title={id === undefined ? "New outbound configuration" : draft.name || "Outbound configuration"}
        description="What an outbound message is sent with: the channel it goes out on and the template it says."
        actions={id !== undefined ? (
          <DeleteButton noun="configuration" name={draft.name} listKey="outbound-configurations" listPath="/configurations"
            message="Send requests naming its Configuration ID are refused from then on; messages it already accepted are still delivered. To stop it for a while, make it inactive instead."
            remove={async () => unwrap(await api.DELETE("/v1/outbound-configurations/{configurationId}", { params: { path: { configurationId: id } } }))} />
        ) : undefined}
      />
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
        <Stack>
          <form onSubmit={(e) => { e.preventDefault(); save.mutate(draft); }} noValidate>
            <Stack>
              <TextInput label="Name" required placeholder="Case created" value={draft.name} error={err("name")} onChange={(e) => set("name", e.currentTarget.value)} />
              <Switch
                label="Show in timeline" checked={draft.showInTimeline} error={err("showInTimeline")}
                description="Shows its messages on the customer's timeline: yes for event-based messages of a support journey, no for bulk sends."
                onChange={(e) => set("showInTimeline", e.currentTarget.checked)}
              />
              <Stack gap={4}>
                <Text size="sm" fw={500} id="configuration-channel-type">Channel type</Text>
                <SegmentedControl
                  role="radiogroup" aria-labelledby="configuration-channel-type" w="fit-content" value={draft.channelType}
                  onChange={(v) => setDraft((d) => ({ ...d, channelType: v as ChannelType, channelId: null, templateId: null }))}
                  data={[{ value: "sms", label: "SMS" }, { value: "whatsapp", label: "WhatsApp" }]}
                />
                {err("channelType") ? <Text c="red" size="xs">{err("channelType")}</Text> : null}
              </Stack>
              <Select
                label="Channel" required placeholder={channels.isLoading ? "Loading…" : "Pick a channel"} searchable
                data={channelOptions} value={draft.channelId} onChange={(v) => set("channelId", v)}
                nothingFoundMessage={`No ${draft.channelType === "sms" ? "SMS" : "WhatsApp"} channel matches`}
                error={err("channelId") ?? (channels.error ? "The channels could not be loaded." : undefined)}
                description={channels.data?.nextCursor ? `The first ${pickerPageSize} channels; type to search them.` : undefined}
              />
              <Select
                label="Message template" required placeholder={templates.isLoading ? "Loading…" : "Pick a template"} searchable
                data={templateOptions} value={draft.templateId} onChange={(v) => set("templateId", v)}
                nothingFoundMessage={`No ${draft.channelType === "sms" ? "SMS" : "WhatsApp"} template matches`}
                error={err("templateId") ?? (templates.error ? "The templates could not be loaded." : undefined)}
                description={templates.data?.nextCursor ? `The first ${pickerPageSize} templates; type to search them.` : undefined}
              />
              <Switch
                label="Active" checked={draft.active} error={err("active")}
                description="An inactive configuration refuses send requests; messages it already accepted are still delivered."
                onChange={(e) => set("active", e.currentTarget.checked)}
              />
              <ProblemAlert error={save.error} shown={["name", "showInTimeline", "channelType", "channelId", "templateId", "active"]} />
              <Group>
                <Button type="submit" loading={save.isPending}>{id === undefined ? "Save" : "Save configuration"}</Button>
                <Text size="sm" c="teal.9" aria-live="polite">{saved && !save.isPending ? "Saved." : ""}</Text>
              </Group>
            </Stack>
          </form>
          {id !== undefined ? <ConfigurationId id={id} /> : (
            <Text size="sm" c="dimmed">The Configuration ID is generated when you save.</Text>
          )}
        </Stack>
        {stored ? <TestSend configuration={stored} /> : null}
      </SimpleGrid>
    </>
  );
}

function ConfigurationId({ id }: { id: string }) {
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="configuration-id-title">
      <Title order={2} size="h5" id="configuration-id-title">Configuration ID</Title>
      <Text size="sm" c="dimmed" mb="xs" style={{ overflowWrap: "anywhere" }}>Send requests name it: <Code>POST /v1/outbound-configurations/{"{configurationId}"}/send</Code>.</Text>
      <Group gap="xs" wrap="nowrap">
        <Code fz="md" data-testid="configuration-id" style={{ overflowWrap: "anywhere" }}>{id}</Code>
        <CopyButton value={id}>
          {({ copied, copy }) => (
            <Button size="xs" variant="default" onClick={copy} style={{ flexShrink: 0 }}>{copied ? "Copied" : "Copy ID"}</Button>
          )}
        </CopyButton>
      </Group>
    </Paper>
  );
}
