import { useState, type FormEvent } from "react";
import { Link, Route, Routes, useNavigate, useParams } from "react-router";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Anchor, Badge, Button, Group, Loader, Modal, MultiSelect, NumberInput, Paper, Select, Stack, Text, TextInput, Title } from "@mantine/core";
import { api, unwrap } from "../../api/client";
import { fieldError } from "../../api/problem";
import type { components } from "../../api/schema";
import { PageHeader } from "../../components/PageHeader";
import { PagedTable } from "../../components/PagedTable";
import { ProblemAlert } from "../../components/ProblemAlert";
import { DeleteButton } from "../../components/DeleteButton";
import { MoreChoices } from "../../components/MoreChoices";
import { ShownOnceKey, type NewKey } from "../../components/ShownOnceKey";
import { useCursorPages } from "../../components/useCursorPages";
import { useQueueOptions } from "../../components/pickers";
import { formatDateTime } from "../../components/dates";
import { useAction } from "../../components/useAction";

type Agent = components["schemas"]["AgentResponse"];

const presenceColor: Record<Agent["presence"], string> = { available: "green", busy: "orange", away: "yellow", offline: "gray" };

/** An agent's presence as a badge: only available agents take new conversations. */
export function PresenceBadge({ agent }: { agent: Agent }) {
  return (
    <Badge component="span" miw="max-content" variant="dot" color={presenceColor[agent.presence]} title={`Since ${formatDateTime(agent.presenceSince)}`}>
      {agent.presence}
    </Badge>
  );
}

export default function AgentsPage() {
  return (
    <Routes>
      <Route index element={<AgentList />} />
      <Route path="new" element={<AgentEditor />} />
      <Route path=":id" element={<AgentEditor />} />
    </Routes>
  );
}

function AgentList() {
  const agents = useCursorPages(["agents"], async (cursor) => unwrap(await api.GET("/v1/agents", { params: { query: { cursor } } })));
  const queues = useQueueOptions();
  const queueName = new Map(queues.options.map((o) => [o.value, o.label]));
  return (
    <>
      <PageHeader title="Agents" description="The people who answer customers: they take conversations from their queues while available."
        actions={<Button component={Link} to="new">Create an agent</Button>} />
      <PagedTable
        pages={agents}
        rowKey={(a) => a.id}
        loadingLabel="Loading agents"
        empty="No agents yet."
        columns={[
          { header: "Name", cell: (a) => <Anchor component={Link} to={a.id}>{a.name}</Anchor> },
          { header: "Presence", cell: (a) => <PresenceBadge agent={a} /> },
          { header: "Queues", cell: (a) => a.queueIds.map((q) => queueName.get(q) ?? q).join(", ") || "—" },
          { header: "Conversations", cell: (a) => `${a.activeConversations} of ${a.capacity}` },
        ]}
      />
    </>
  );
}

function AgentEditor() {
  const { id } = useParams();
  const existing = useQuery({
    queryKey: ["agents", id],
    queryFn: async () => unwrap(await api.GET("/v1/agents/{id}", { params: { path: { id: id! } } })),
    enabled: id !== undefined,
  });
  if (id && existing.isLoading) return <Loader aria-label="Loading the agent" />;
  if (id && existing.error) return <ProblemAlert error={existing.error} />;
  return <AgentForm key={id ?? "new"} agent={existing.data} />;
}

function AgentForm({ agent }: { agent?: Agent }) {
  const navigate = useNavigate();
  const queries = useQueryClient();
  const [name, setName] = useState(agent?.name ?? "");
  const [queueIds, setQueueIds] = useState<string[]>(agent?.queueIds ?? []);
  const [capacity, setCapacity] = useState<number | string>(agent?.capacity ?? 5);
  const { busy, error, run } = useAction();
  const queues = useQueueOptions(queueIds);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const body = { name, queueIds, capacity: typeof capacity === "number" ? capacity : null };
    await run(async () => {
      if (agent) {
        unwrap(await api.PUT("/v1/agents/{id}", { params: { path: { id: agent.id } }, body }));
        await queries.invalidateQueries({ queryKey: ["agents"] });
        navigate("/agents");
      } else {
        const made = unwrap(await api.POST("/v1/agents", { body }));
        await queries.invalidateQueries({ queryKey: ["agents"] });
        // On to the agent's page, where their API key is made.
        navigate(`/agents/${made.id}`);
      }
    });
  }

  return (
    <>
      <PageHeader title={agent ? `Agent: ${agent.name}` : "Create an agent"}
        description={agent ? <>Presence: <PresenceBadge agent={agent} /> since {formatDateTime(agent.presenceSince)}; {agent.activeConversations} of {agent.capacity} conversations.</> : "A new agent starts offline and takes conversations once available."}
        actions={agent ? (
          <DeleteButton noun="agent" name={agent.name} listKey="agents" listPath="/agents"
            message="Their conversations go back to their queues and their API keys stop working."
            remove={async () => unwrap(await api.DELETE("/v1/agents/{id}", { params: { path: { id: agent.id } } }))} />
        ) : undefined} />
      <Stack maw={720}>
        <Paper withBorder p="md" component="form" onSubmit={submit}>
          <Stack>
            <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} error={fieldError(error, "name")} />
            <div>
              <MultiSelect label="Queues" description="The queues the agent serves (at most 20)." data={queues.options} value={queueIds}
                onChange={setQueueIds} searchable clearable error={fieldError(error, "queueIds")} nothingFoundMessage="No such queue" />
              <MoreChoices picker={queues} what="queues" />
            </div>
            <NumberInput label="Capacity" description="The most conversations the agent holds at once (1 to 100)." min={1} max={100}
              value={capacity} onChange={setCapacity} error={fieldError(error, "capacity")} />
            <ProblemAlert error={error} shown={["name", "queueIds", "capacity"]} />
            <Group justify="flex-end">
              <Button variant="default" component={Link} to="/agents">Back to agents</Button>
              <Button type="submit" loading={busy}>{agent ? "Save the agent" : "Create the agent"}</Button>
            </Group>
          </Stack>
        </Paper>
        {agent ? <PresenceControl agent={agent} /> : null}
        {agent ? <AgentKey agent={agent} /> : null}
      </Stack>
    </>
  );
}

const presences: { value: Agent["presence"]; label: string }[] = [
  { value: "available", label: "Available: takes new conversations" },
  { value: "busy", label: "Busy: keeps theirs, takes none" },
  { value: "away", label: "Away: keeps theirs, takes none" },
  { value: "offline", label: "Offline: theirs go back to their queues after a grace period" },
];

/** An admin sets an agent's presence, e.g. offline for one who left without signing out. */
function PresenceControl({ agent }: { agent: Agent }) {
  const queries = useQueryClient();
  const { busy, error, run } = useAction();

  async function change(status: Agent["presence"]) {
    await run(async () => {
      const updated = unwrap(await api.PUT("/v1/agents/{id}/presence", { params: { path: { id: agent.id } }, body: { status } }));
      queries.setQueryData(["agents", agent.id], updated);
      await queries.invalidateQueries({ queryKey: ["agents", "page"] });
    });
  }

  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="xs">Presence</Title>
      <Select label="Presence" description="Agents set their own in the inbox; set it here for one who cannot." data={presences}
        value={agent.presence} allowDeselect={false} disabled={busy} onChange={(v) => v && v !== agent.presence && void change(v as Agent["presence"])}
        error={fieldError(error, "status")} />
      <ProblemAlert error={error} shown={["status"]} />
    </Paper>
  );
}

/** Makes an API key of scope agent that acts as this agent: how an agent signs in to the inbox. */
function AgentKey({ agent }: { agent: Agent }) {
  const queries = useQueryClient();
  const [opened, setOpened] = useState(false);
  const [name, setName] = useState(`${agent.name}'s console`);
  const { busy, error, run } = useAction();
  const [created, setCreated] = useState<NewKey>();

  async function submit(e: FormEvent) {
    e.preventDefault();
    await run(async () => {
      const made = unwrap(await api.POST("/v1/agents/{id}/api-keys", { params: { path: { id: agent.id } }, body: { name } }));
      setOpened(false);
      setCreated({ name: made.name, scope: made.scope, key: made.key });
      await queries.invalidateQueries({ queryKey: ["api-keys"] });
    });
  }

  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="xs">Sign-in key</Title>
      <Text size="sm" mb="sm">An agent signs in to the inbox with an API key of scope agent that acts as them. It is shown once; revoke it on the API keys page.</Text>
      <Button variant="light" onClick={() => setOpened(true)}>Make an API key for {agent.name}</Button>
      <Modal opened={opened} closeButtonProps={{ "aria-label": "Close" }} onClose={() => setOpened(false)} title="Make an agent API key" centered>
        <form onSubmit={submit}>
          <Stack>
            <TextInput label="Key name" description="What the key is for, e.g. the agent's workstation." required maxLength={100}
              value={name} onChange={(e) => setName(e.currentTarget.value)} error={fieldError(error, "name")} data-autofocus />
            <ProblemAlert error={error} shown={["name"]} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setOpened(false)}>Cancel</Button>
              <Button type="submit" loading={busy}>Make the key</Button>
            </Group>
          </Stack>
        </form>
      </Modal>
      <ShownOnceKey created={created} onClose={() => setCreated(undefined)} />
    </Paper>
  );
}
