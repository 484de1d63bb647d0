import { useState, type FormEvent } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { Badge, Button, Group, Paper, Select, Stack, Text, TextInput, Title, VisuallyHidden } from "@mantine/core";
import { api, unwrap } from "../../api/client";
import { fieldError } from "../../api/problem";
import { PageHeader } from "../../components/PageHeader";
import { PagedTable } from "../../components/PagedTable";
import { ProblemAlert } from "../../components/ProblemAlert";
import { ConfirmButton } from "../../components/ConfirmButton";
import { ShownOnceKey, type NewKey } from "../../components/ShownOnceKey";
import { useCursorPages } from "../../components/useCursorPages";
import { formatDateTime } from "../../components/dates";
import { useAction } from "../../components/useAction";

type Scope = "admin" | "send" | "agent";

const scopes: { value: Scope; label: string }[] = [
  { value: "send", label: "send: sending, message status and consent" },
  { value: "admin", label: "admin: everything, this console included" },
  { value: "agent", label: "agent: the conversations API" },
];

const key = ["api-keys"] as const;
const pageSize = 20;

export default function ApiKeysPage() {
  const queries = useQueryClient();
  const keys = useCursorPages(key, async (cursor) => unwrap(await api.GET("/v1/api-keys", { params: { query: { limit: pageSize, cursor } } })));
  const [created, setCreated] = useState<NewKey>();
  const refresh = () => queries.invalidateQueries({ queryKey: key });

  return (
    <>
      <PageHeader title="API keys" description="Keys of the org: each is shown once, when it is created. Revoke a key that is no longer used or may have leaked." />
      <Stack gap="lg">
        <CreateKeyForm onCreated={(k) => { setCreated(k); void refresh(); }} />
        <Paper withBorder p="md">
          <Title order={2} size="h4" mb="sm">Keys</Title>
          <PagedTable
            pages={keys}
            rowKey={(k) => k.id}
            loadingLabel="Loading keys"
            empty="The org has no API keys."
            columns={[
              { header: "Name", cell: (k) => k.name },
              {
                header: "Scope",
                cell: (k) => <Badge component="span" miw="max-content" variant="dot" color={k.scope === "admin" ? "red" : k.scope === "agent" ? "violet" : "blue"}>{k.scope}</Badge>,
              },
              { header: "Prefix", cell: (k) => <Text ff="monospace" size="sm">{k.prefix}…</Text> },
              { header: "Created", cell: (k) => formatDateTime(k.createdAt) },
              { header: "Last used", cell: (k) => (k.lastUsedAt ? formatDateTime(k.lastUsedAt) : "Never") },
              {
                header: <VisuallyHidden>Actions</VisuallyHidden>,
                cell: (k) => (
                  <ConfirmButton
                    label="Revoke"
                    buttonProps={{ "aria-label": `Revoke ${k.name}` }}
                    title={`Revoke the key "${k.name}"?`}
                    message="Requests with this key are refused at once, and any console session signed in with it ends. This cannot be undone."
                    confirmLabel="Revoke the key"
                    onConfirm={async () => {
                      unwrap(await api.DELETE("/v1/api-keys/{id}", { params: { path: { id: k.id } } }));
                      await refresh();
                    }}
                  />
                ),
              },
            ]}
          />
        </Paper>
      </Stack>
      <ShownOnceKey created={created} onClose={() => setCreated(undefined)} />
    </>
  );
}

function CreateKeyForm({ onCreated }: { onCreated(key: NewKey): void }) {
  const [name, setName] = useState("");
  const [scope, setScope] = useState<Scope>("send");
  const { busy, error, run } = useAction();

  async function submit(e: FormEvent) {
    e.preventDefault();
    await run(async () => {
      const made = unwrap(await api.POST("/v1/api-keys", { body: { name, scope } }));
      setName("");
      onCreated({ name: made.name, scope: made.scope, key: made.key });
    });
  }

  return (
    <Paper withBorder p="md" component="form" onSubmit={submit} aria-labelledby="create-key-title">
      <Title order={2} size="h4" mb="sm" id="create-key-title">Create a key</Title>
      <Stack gap="sm">
        <Group align="flex-start" grow preventGrowOverflow={false} wrap="wrap">
          <TextInput label="Name" description="What the key is for, e.g. the integration that uses it." required maxLength={100}
            value={name} onChange={(e) => setName(e.currentTarget.value)} error={fieldError(error, "name")} miw={220} />
          <Select label="Scope" description="What requests with the key may do." data={scopes} value={scope} allowDeselect={false}
            onChange={(v) => v && setScope(v as Scope)} error={fieldError(error, "scope")} miw={220} />
        </Group>
        <ProblemAlert error={error} shown={["name", "scope"]} />
        <Group justify="flex-end">
          <Button type="submit" loading={busy}>Create the key</Button>
        </Group>
      </Stack>
    </Paper>
  );
}
