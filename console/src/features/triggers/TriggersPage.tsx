import { useState, type FormEvent } from "react";
import { Link, Route, Routes, useNavigate, useParams } from "react-router";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Anchor, Button, Fieldset, Group, Loader, Paper, Select, SimpleGrid, Stack, Text, TextInput } from "@mantine/core";
import { api, unwrap } from "../../api/client";
import { fieldError } from "../../api/problem";
import { PageHeader } from "../../components/PageHeader";
import { PagedTable } from "../../components/PagedTable";
import { ProblemAlert } from "../../components/ProblemAlert";
import { ConfirmButton } from "../../components/ConfirmButton";
import { MoreChoices } from "../../components/MoreChoices";
import { useCursorPages } from "../../components/useCursorPages";
import { useConfigurationOptions } from "../../components/pickers";
import { emptyTrigger, fromTrigger, toTriggerRequest, type ConditionRow, type Trigger, type TriggerForm } from "./triggerForm";
import { useAction } from "../../components/useAction";

export default function TriggersPage() {
  return (
    <Routes>
      <Route index element={<TriggerList />} />
      <Route path="new" element={<TriggerEditor />} />
      <Route path=":id" element={<TriggerEditor />} />
    </Routes>
  );
}

function TriggerList() {
  const triggers = useCursorPages(["triggers"], async (cursor) => unwrap(await api.GET("/v1/triggers", { params: { query: { cursor } } })));
  const configurations = useConfigurationOptions();
  const configurationName = new Map(configurations.options.map((o) => [o.value, o.label]));
  return (
    <>
      <PageHeader title="Triggers" description="Messages sent when an event of your systems arrives (POST /v1/events): to whom, with what, and when."
        actions={<Button component={Link} to="new">Create a trigger</Button>} />
      <PagedTable
        pages={triggers}
        rowKey={(t) => t.id}
        loadingLabel="Loading triggers"
        empty="No triggers yet."
        columns={[
          { header: "Name", cell: (t) => <Anchor component={Link} to={t.id}>{t.name}</Anchor> },
          { header: "Event type", cell: (t) => <Text ff="monospace" size="sm">{t.eventType}</Text> },
          { header: "Outbound configuration", cell: (t) => configurationName.get(t.configurationId) ?? t.configurationId },
          { header: "Conditions", cell: (t) => t.filter.length },
          { header: "Delay", cell: (t) => t.delay ?? "None" },
        ]}
      />
    </>
  );
}

function TriggerEditor() {
  const { id } = useParams();
  const existing = useQuery({
    queryKey: ["triggers", id],
    queryFn: async () => unwrap(await api.GET("/v1/triggers/{triggerId}", { params: { path: { triggerId: id! } } })),
    enabled: id !== undefined,
  });
  if (id && existing.isLoading) return <Loader aria-label="Loading the trigger" />;
  if (id && existing.error) return <ProblemAlert error={existing.error} />;
  return <TriggerFormView key={id ?? "new"} trigger={existing.data} />;
}

const tests = [
  { value: "equals", label: "equals" },
  { value: "exists", label: "is present" },
  { value: "absent", label: "is absent" },
];

function TriggerFormView({ trigger }: { trigger?: Trigger }) {
  const navigate = useNavigate();
  const queries = useQueryClient();
  const [form, setForm] = useState<TriggerForm>(trigger ? fromTrigger(trigger) : emptyTrigger);
  const { busy, error, run } = useAction();
  const configurations = useConfigurationOptions(form.configurationId ? [form.configurationId] : []);
  const set = (patch: Partial<TriggerForm>) => setForm((f) => ({ ...f, ...patch }));
  const setCondition = (i: number, patch: Partial<ConditionRow>) =>
    set({ filter: form.filter.map((c, j) => (j === i ? { ...c, ...patch } : c)) });
  const err = (field: string) => fieldError(error, field);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const body = toTriggerRequest(form);
    await run(async () => {
      if (trigger) unwrap(await api.PUT("/v1/triggers/{triggerId}", { params: { path: { triggerId: trigger.id } }, body }));
      else unwrap(await api.POST("/v1/triggers", { body }));
      await queries.invalidateQueries({ queryKey: ["triggers"] });
      navigate("/triggers");
    });
  }

  const shown = [
    "name", "eventType", "configurationId", "delay", "contact", "contact.tocontactid", "contact.optin", "contact.locale", "contact.entityrelationshipname",
    ...form.filter.flatMap((_, i) => [`filter[${i}]`, `filter[${i}].path`, `filter[${i}].equals`, `filter[${i}].exists`]),
    ...form.contextitems.map((r) => `contact.contextitems.${r.slug}`),
  ];
  return (
    <>
      <PageHeader title={trigger ? `Trigger: ${trigger.name}` : "Create a trigger"}
        description="Paths are JSON Pointers into the event's data, e.g. /customer/phone."
        actions={trigger ? (
          <ConfirmButton label="Delete the trigger" title={`Delete the trigger "${trigger.name}"?`} buttonProps={{ size: "sm" }}
            message="Events that arrive afterwards no longer send this message; messages already waiting still go."
            confirmLabel="Delete"
            onConfirm={async () => {
              unwrap(await api.DELETE("/v1/triggers/{triggerId}", { params: { path: { triggerId: trigger.id } } }));
              await queries.invalidateQueries({ queryKey: ["triggers"] });
              navigate("/triggers");
            }} />
        ) : undefined} />
      <Paper withBorder p="md" component="form" onSubmit={submit} maw={860}>
        <Stack>
          <TextInput label="Name" required value={form.name} onChange={(e) => set({ name: e.currentTarget.value })} error={err("name")} />
          <TextInput label="Event type" description="The CloudEvents type it runs on." placeholder="case.created" required
            value={form.eventType} onChange={(e) => set({ eventType: e.currentTarget.value })} error={err("eventType")} />
          <div>
            <Select label="Outbound configuration" description="The channel and template of the message." data={configurations.options}
              value={form.configurationId} onChange={(v) => set({ configurationId: v })} searchable required error={err("configurationId")}
              nothingFoundMessage="No such configuration" />
            <MoreChoices picker={configurations} what="configurations" />
          </div>

          <Fieldset legend="Only when (all of these hold)">
            <Stack gap="xs">
              {form.filter.length === 0 ? <Text size="sm" c="dimmed">No conditions: every event of the type sends.</Text> : null}
              {form.filter.map((c, i) => (
                <Group key={i} align="flex-start" wrap="wrap" gap="xs">
                  <TextInput label={`Condition ${i + 1}: path`} placeholder="/priority" value={c.path} miw={200} style={{ flex: 1 }}
                    onChange={(e) => setCondition(i, { path: e.currentTarget.value })} error={err(`filter[${i}].path`) ?? err(`filter[${i}]`)} />
                  <Select label={`Condition ${i + 1}: test`} data={tests} value={c.test} allowDeselect={false} w={140}
                    onChange={(v) => v && setCondition(i, { test: v as ConditionRow["test"] })} />
                  {c.test === "equals" ? (
                    <TextInput label={`Condition ${i + 1}: value`} description='Text, a number or true/false; "1" in quotes is text.' value={c.value} miw={160} style={{ flex: 1 }}
                      onChange={(e) => setCondition(i, { value: e.currentTarget.value })} error={err(`filter[${i}].equals`)} />
                  ) : null}
                  <Button variant="subtle" color="red" mt={24} onClick={() => set({ filter: form.filter.filter((_, j) => j !== i) })}
                    aria-label={`Remove condition ${i + 1}`}>Remove</Button>
                </Group>
              ))}
              <Group><Button variant="light" size="xs" onClick={() => set({ filter: [...form.filter, { path: "", test: "equals", value: "" }] })}
                disabled={form.filter.length >= 20}>Add a condition</Button></Group>
            </Stack>
          </Fieldset>

          <Fieldset legend="The contact, from the event's data">
            <Stack gap="xs">
              <TextInput label="Phone number (tocontactid)" description="Required: a pointer to the customer's E.164 number." required
                value={form.tocontactid} onChange={(e) => set({ tocontactid: e.currentTarget.value })} error={err("contact.tocontactid") ?? err("contact")} />
              <TextInput label="Opt-in (optin)" description="Optional: a pointer to a boolean. Left empty, the trigger stands for the org's consent; opted-out customers are skipped either way."
                value={form.optin} onChange={(e) => set({ optin: e.currentTarget.value })} error={err("contact.optin")} />
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <TextInput label="Language (locale)" description="Optional pointer." value={form.locale}
                  onChange={(e) => set({ locale: e.currentTarget.value })} error={err("contact.locale")} />
                <TextInput label="Regarding (entityrelationshipname)" description="Optional pointer." value={form.entityrelationshipname}
                  onChange={(e) => set({ entityrelationshipname: e.currentTarget.value })} error={err("contact.entityrelationshipname")} />
              </SimpleGrid>
              <Text size="sm" fw={500}>Template slugs (contextitems)</Text>
              {form.contextitems.map((r, i) => (
                <Group key={i} align="flex-start" wrap="wrap" gap="xs">
                  <TextInput label={`Slug ${i + 1}: name`} placeholder="CustomerName" value={r.slug} style={{ flex: 1 }} miw={160}
                    onChange={(e) => set({ contextitems: form.contextitems.map((x, j) => (j === i ? { ...x, slug: e.currentTarget.value } : x)) })} />
                  <TextInput label={`Slug ${i + 1}: pointer`} placeholder="/customer/name" value={r.pointer} style={{ flex: 1 }} miw={160}
                    onChange={(e) => set({ contextitems: form.contextitems.map((x, j) => (j === i ? { ...x, pointer: e.currentTarget.value } : x)) })}
                    error={err(`contact.contextitems.${r.slug.trim()}`)} />
                  <Button variant="subtle" color="red" mt={24} onClick={() => set({ contextitems: form.contextitems.filter((_, j) => j !== i) })}
                      aria-label={`Remove slug ${i + 1}`}>Remove</Button>
                </Group>
              ))}
              <Group><Button variant="light" size="xs" onClick={() => set({ contextitems: [...form.contextitems, { slug: "", pointer: "" }] })}>Add a slug</Button></Group>
            </Stack>
          </Fieldset>

          <TextInput label="Delay" description="Optional ISO 8601 duration after the event's time, e.g. PT30M (at most 30 days). Empty: at once."
            placeholder="PT30M" value={form.delay} onChange={(e) => set({ delay: e.currentTarget.value })} error={err("delay")} />
          <ProblemAlert error={error} shown={shown} />
          <Group justify="flex-end">
            <Button variant="default" component={Link} to="/triggers">Back to triggers</Button>
            <Button type="submit" loading={busy}>{trigger ? "Save the trigger" : "Create the trigger"}</Button>
          </Group>
        </Stack>
      </Paper>
    </>
  );
}
