import { useState, type FormEvent } from "react";
import { Link, Route, Routes, useNavigate, useParams } from "react-router";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Anchor, Button, Group, Loader, MultiSelect, NumberInput, Paper, Select, Stack, TextInput } from "@mantine/core";
import { api, unwrap } from "../../api/client";
import { fieldError } from "../../api/problem";
import type { components } from "../../api/schema";
import { PageHeader } from "../../components/PageHeader";
import { PagedTable } from "../../components/PagedTable";
import { ProblemAlert } from "../../components/ProblemAlert";
import { DeleteButton } from "../../components/DeleteButton";
import { MoreChoices } from "../../components/MoreChoices";
import { useCursorPages } from "../../components/useCursorPages";
import { useChannelOptions } from "../../components/pickers";
import { useAction } from "../../components/useAction";

type Queue = components["schemas"]["QueueResponse"];
type Strategy = Queue["strategy"];

const strategies: { value: Strategy; label: string }[] = [
  { value: "round-robin", label: "Round robin: each available agent in turn" },
  { value: "least-active", label: "Least active: the agent with the fewest conversations" },
];

export default function QueuesPage() {
  return (
    <Routes>
      <Route index element={<QueueList />} />
      <Route path="new" element={<QueueEditor />} />
      <Route path=":id" element={<QueueEditor />} />
    </Routes>
  );
}

function QueueList() {
  const queues = useCursorPages(["queues"], async (cursor) => unwrap(await api.GET("/v1/queues", { params: { query: { cursor } } })));
  const channels = useChannelOptions();
  const channelName = new Map(channels.options.map((o) => [o.value, o.label]));
  return (
    <>
      <PageHeader title="Queues" description="Where customers' replies wait for an agent: each queue takes the new conversations of its channels."
        actions={<Button component={Link} to="new">Create a queue</Button>} />
      <PagedTable
        pages={queues}
        rowKey={(q) => q.id}
        loadingLabel="Loading queues"
        empty="No queues yet: create one for the channels customers reply on."
        columns={[
          { header: "Name", cell: (q) => <Anchor component={Link} to={q.id}>{q.name}</Anchor> },
          { header: "Channels", cell: (q) => q.channelIds.map((c) => channelName.get(c) ?? c).join(", ") || "—" },
          { header: "Routing", cell: (q) => q.strategy },
          { header: "Waiting", cell: (q) => q.waiting },
          { header: "Agents", cell: (q) => q.agents },
        ]}
      />
    </>
  );
}

function QueueEditor() {
  const { id } = useParams();
  const existing = useQuery({
    queryKey: ["queues", id],
    queryFn: async () => unwrap(await api.GET("/v1/queues/{id}", { params: { path: { id: id! } } })),
    enabled: id !== undefined,
  });
  if (id && existing.isLoading) return <Loader aria-label="Loading the queue" />;
  if (id && existing.error) return <ProblemAlert error={existing.error} />;
  return <QueueForm key={id ?? "new"} queue={existing.data} />;
}

function QueueForm({ queue }: { queue?: Queue }) {
  const navigate = useNavigate();
  const queries = useQueryClient();
  const [name, setName] = useState(queue?.name ?? "");
  const [channelIds, setChannelIds] = useState<string[]>(queue?.channelIds ?? []);
  const [strategy, setStrategy] = useState<Strategy>(queue?.strategy ?? "round-robin");
  const [reassign, setReassign] = useState<number | string>(queue?.unansweredReassignSeconds || "");
  const { busy, error, run } = useAction();
  const channels = useChannelOptions(channelIds);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const body = {
      name,
      channelIds,
      strategy,
      unansweredReassignSeconds: typeof reassign === "number" ? reassign : null,
    };
    await run(async () => {
      if (queue) unwrap(await api.PUT("/v1/queues/{id}", { params: { path: { id: queue.id } }, body }));
      else unwrap(await api.POST("/v1/queues", { body }));
      await queries.invalidateQueries({ queryKey: ["queues"] });
      navigate("/queues");
    });
  }

  const shown = ["name", "channelIds", "strategy", "unansweredReassignSeconds"];
  return (
    <>
      <PageHeader title={queue ? `Queue: ${queue.name}` : "Create a queue"}
        description={queue ? `${queue.waiting} conversations waiting, ${queue.agents} agents serving it.` : "A queue assigns the new conversations of its channels to its available agents."}
        actions={queue ? (
          <DeleteButton noun="queue" name={queue.name} listKey="queues" listPath="/queues"
            message="Its channels' new conversations then wait without a queue. A queue in which conversations wait cannot be deleted; conversations already assigned stay with their agents."
            remove={async () => unwrap(await api.DELETE("/v1/queues/{id}", { params: { path: { id: queue.id } } }))} />
        ) : undefined} />
      <Paper withBorder p="md" component="form" onSubmit={submit} maw={720}>
        <Stack>
          <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} error={fieldError(error, "name")} />
          <div>
            <MultiSelect label="Channels" description="The channels whose customers' replies go to this queue (a channel belongs to one queue at most)."
              data={channels.options} value={channelIds} onChange={setChannelIds} searchable clearable
              error={fieldError(error, "channelIds")} nothingFoundMessage="No such channel" />
            <MoreChoices picker={channels} what="channels" />
          </div>
          <Select label="Routing" description="How the queue picks an available agent." data={strategies} value={strategy} allowDeselect={false}
            onChange={(v) => v && setStrategy(v as Strategy)} error={fieldError(error, "strategy")} />
          <NumberInput label="Reassign an unanswered conversation after (seconds)" description="10 to 86,400; empty: never."
            min={0} max={86400} value={reassign} onChange={setReassign} error={fieldError(error, "unansweredReassignSeconds")} />
          <ProblemAlert error={error} shown={shown} />
          <Group justify="flex-end">
            <Button variant="default" component={Link} to="/queues">Back to queues</Button>
            <Button type="submit" loading={busy}>{queue ? "Save the queue" : "Create the queue"}</Button>
          </Group>
        </Stack>
      </Paper>
    </>
  );
}
