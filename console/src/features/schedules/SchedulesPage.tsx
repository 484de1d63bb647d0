import { useMemo, useState, type FormEvent } from "react";
import { Link, Route, Routes, useNavigate, useParams } from "react-router";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Anchor, Badge, Button, Checkbox, Fieldset, Group, Loader, Paper, SegmentedControl, Select, SimpleGrid, Stack, Switch, Table, Text, TextInput, Title } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { api, unwrap } from "../../api/client";
import { fieldError } from "../../api/problem";
import { PageHeader } from "../../components/PageHeader";
import { PagedTable } from "../../components/PagedTable";
import { ProblemAlert } from "../../components/ProblemAlert";
import { DeleteButton } from "../../components/DeleteButton";
import { MoreChoices } from "../../components/MoreChoices";
import { useCursorPages } from "../../components/useCursorPages";
import { useCampaignOptions, useConfigurationOptions } from "../../components/pickers";
import { formatDateTime } from "../../components/dates";
import { describeTiming, emptySchedule, fromSchedule, toScheduleRequest, type Schedule, type ScheduleForm } from "./scheduleForm";
import { useAction } from "../../components/useAction";

const statusColor: Record<string, string> = { active: "green", disabled: "gray", completed: "teal" };

function StatusBadge({ status }: { status: string }) {
  return <Badge component="span" miw="max-content" variant="dot" color={statusColor[status] ?? "gray"}>{status}</Badge>;
}

export default function SchedulesPage() {
  return (
    <Routes>
      <Route index element={<ScheduleList />} />
      <Route path="new" element={<ScheduleEditor />} />
      <Route path=":id" element={<ScheduleEditor />} />
    </Routes>
  );
}

function ScheduleList() {
  const schedules = useCursorPages(["schedules"], async (cursor) => unwrap(await api.GET("/v1/schedules", { params: { query: { cursor } } })));
  return (
    <>
      <PageHeader title="Schedules" description="Messages and campaigns sent at a time, on a cron or after a delay."
        actions={<Button component={Link} to="new">Create a schedule</Button>} />
      <PagedTable
        pages={schedules}
        rowKey={(s) => s.id}
        loadingLabel="Loading schedules"
        minWidth={720}
        empty="No schedules yet."
        columns={[
          { header: "Name", cell: (s) => <Anchor component={Link} to={s.id}>{s.name}</Anchor> },
          { header: "Status", cell: (s) => <StatusBadge status={s.status} /> },
          { header: "When", cell: (s) => describeTiming(s, formatDateTime) },
          { header: "Next run", cell: (s) => (s.nextRunAt ? formatDateTime(s.nextRunAt) : "—") },
          { header: "Last run", cell: (s) => (s.runs[0] ? `${formatDateTime(s.runs[0].ranAt)}: ${s.runs[0].outcome}` : "Never") },
        ]}
      />
    </>
  );
}

function ScheduleEditor() {
  const { id } = useParams();
  const existing = useQuery({
    queryKey: ["schedules", id],
    queryFn: async () => unwrap(await api.GET("/v1/schedules/{scheduleId}", { params: { path: { scheduleId: id! } } })),
    enabled: id !== undefined,
  });
  if (id && existing.isLoading) return <Loader aria-label="Loading the schedule" />;
  if (id && existing.error) return <ProblemAlert error={existing.error} />;
  return <ScheduleFormView key={`${id ?? "new"}:${existing.data?.version ?? 0}`} schedule={existing.data} />;
}

function timeZones(current: string): string[] {
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : ["UTC"];
  return zones.includes(current) ? zones : [current, ...zones];
}

function ScheduleFormView({ schedule }: { schedule?: Schedule }) {
  const navigate = useNavigate();
  const queries = useQueryClient();
  const [form, setForm] = useState<ScheduleForm>(() => (schedule ? fromSchedule(schedule) : emptySchedule()));
  const { busy, error, run } = useAction();
  const configurations = useConfigurationOptions(form.configurationId ? [form.configurationId] : []);
  const campaigns = useCampaignOptions(form.campaignId ? [form.campaignId] : []);
  // Three choices side by side do not fit a phone's width.
  const narrow = useMediaQuery("(max-width: 36em)") ?? false;
  const zones = useMemo(() => timeZones(form.timeZone), [form.timeZone]);
  const set = (patch: Partial<ScheduleForm>) => setForm((f) => ({ ...f, ...patch }));
  const err = (field: string) => fieldError(error, field);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const body = toScheduleRequest(form);
    await run(async () => {
      const saved = schedule
        ? unwrap(await api.PUT("/v1/schedules/{scheduleId}", { params: { path: { scheduleId: schedule.id } }, body }))
        : unwrap(await api.POST("/v1/schedules", { body }));
      queries.setQueryData(["schedules", saved.id], saved);
      await queries.invalidateQueries({ queryKey: ["schedules"] });
      // Stay on the schedule's page: it shows the next run the API computed.
      navigate(`/schedules/${saved.id}`, { replace: schedule !== undefined });
    });
  }

  const shown = ["name", "configurationId", "campaignId", "contacts", "at", "cron", "timeZone", "after", "enabled",
    ...form.contacts.flatMap((_, i) => [`contacts[${i}].tocontactid`, `contacts[${i}].optin`])];
  return (
    <>
      <PageHeader title={schedule ? `Schedule: ${schedule.name}` : "Create a schedule"}
        description={schedule ? (
          <>Status: <StatusBadge status={schedule.status} /> · next run: <b data-testid="next-run">{schedule.nextRunAt ? formatDateTime(schedule.nextRunAt) : "none"}</b></>
        ) : "Each run is one send request of the hourly quota, with the send API's consent and tracking; or it starts a campaign."}
        actions={schedule ? (
          <DeleteButton noun="schedule" name={schedule.name} listKey="schedules" listPath="/schedules"
            message="It fires no more, and its runs are forgotten. Messages it already sent are not affected."
            remove={async () => unwrap(await api.DELETE("/v1/schedules/{scheduleId}", { params: { path: { scheduleId: schedule.id } } }))} />
        ) : undefined} />
      <Stack maw={860} gap="lg">
        <Paper withBorder p="md" component="form" onSubmit={submit}>
          <Stack>
            <TextInput label="Name" required maxLength={200} value={form.name} onChange={(e) => set({ name: e.currentTarget.value })} error={err("name")} />

            <Fieldset legend="When">
              <Stack gap="xs">
                <SegmentedControl aria-label="When it runs" fullWidth orientation={narrow ? "vertical" : "horizontal"} value={form.timing} onChange={(v) => set({ timing: v as ScheduleForm["timing"] })}
                  data={[{ value: "at", label: "Once at a time" }, { value: "cron", label: "On a cron" }, { value: "after", label: "Once after a delay" }]} />
                {form.timing === "at" ? (
                  <TextInput type="datetime-local" label="At" description="In your browser's time zone; sent with its offset." required
                    value={form.at} onChange={(e) => set({ at: e.currentTarget.value })} error={err("at")} />
                ) : null}
                {form.timing === "cron" ? (
                  <SimpleGrid cols={{ base: 1, sm: 2 }}>
                    <TextInput label="Cron" description="5 fields: minute hour day-of-month month day-of-week (30 8 * * 1-5: weekdays at 08:30)." required
                      styles={{ input: { fontFamily: "monospace" } }} value={form.cron} onChange={(e) => set({ cron: e.currentTarget.value })} error={err("cron")} />
                    <Select label="Time zone" description="The cron is read in this zone, daylight saving included." data={zones} searchable required
                      value={form.timeZone} onChange={(v) => v && set({ timeZone: v })} allowDeselect={false} error={err("timeZone")} limit={50} />
                  </SimpleGrid>
                ) : null}
                {form.timing === "after" ? (
                  <TextInput label="After" description="An ISO 8601 duration from the save (PT1M, PT2H, P1D), up to 366 days." required
                    value={form.after} onChange={(e) => set({ after: e.currentTarget.value })} error={err("after")} />
                ) : null}
                {form.timing !== "at" && err("at") ? <Text c="red" size="sm">{err("at")}</Text> : null}
              </Stack>
            </Fieldset>

            <Fieldset legend="What each run does">
              <Stack gap="xs">
                <SegmentedControl aria-label="What each run does" fullWidth orientation={narrow ? "vertical" : "horizontal"} value={form.target} onChange={(v) => set({ target: v as ScheduleForm["target"] })}
                  data={[{ value: "contacts", label: "Send to contacts" }, { value: "campaign", label: "Start a campaign" }]} />
                {form.target === "contacts" ? (
                  <>
                    <div>
                      <Select label="Outbound configuration" data={configurations.options} value={form.configurationId} searchable required
                        onChange={(v) => set({ configurationId: v })} error={err("configurationId")} nothingFoundMessage="No such configuration" />
                      <MoreChoices picker={configurations} what="configurations" />
                    </div>
                    {form.contacts.map((c, i) => (
                      <Group key={i} align="flex-end" wrap="wrap" gap="xs">
                        <TextInput label={`Contact ${i + 1}: phone number`} placeholder="+14155550100" required value={c.tocontactid} style={{ flex: 1 }} miw={200}
                          onChange={(e) => set({ contacts: form.contacts.map((x, j) => (j === i ? { ...x, tocontactid: e.currentTarget.value } : x)) })}
                          error={err(`contacts[${i}].tocontactid`)} />
                        <Checkbox label="Opted in" checked={c.optin} mb={8}
                          onChange={(e) => set({ contacts: form.contacts.map((x, j) => (j === i ? { ...x, optin: e.currentTarget.checked } : x)) })}
                          error={err(`contacts[${i}].optin`)} />
                        <Button variant="subtle" color="red" disabled={form.contacts.length === 1} aria-label={`Remove contact ${i + 1}`}
                          onClick={() => set({ contacts: form.contacts.filter((_, j) => j !== i) })}>Remove</Button>
                      </Group>
                    ))}
                    {err("contacts") ? <Text c="red" size="sm">{err("contacts")}</Text> : null}
                    <Group><Button variant="light" size="xs" disabled={form.contacts.length >= 100}
                      onClick={() => set({ contacts: [...form.contacts, { tocontactid: "", optin: true }] })}>Add a contact</Button></Group>
                  </>
                ) : (
                  <div>
                    <Select label="Campaign" description="Each run starts it (it must have an audience by then); its configuration is used." data={campaigns.options}
                      value={form.campaignId} searchable required onChange={(v) => set({ campaignId: v })} error={err("campaignId")} nothingFoundMessage="No such campaign" />
                    <MoreChoices picker={campaigns} what="campaigns" />
                  </div>
                )}
              </Stack>
            </Fieldset>

            <Switch label="Enabled" description="A disabled schedule does not fire; enabling it again does not replay what passed meanwhile."
              checked={form.enabled} onChange={(e) => set({ enabled: e.currentTarget.checked })} />
            <ProblemAlert error={error} shown={shown} />
            <Group justify="flex-end">
              <Button variant="default" component={Link} to="/schedules">Back to schedules</Button>
              <Button type="submit" loading={busy}>{schedule ? "Save the schedule" : "Create the schedule"}</Button>
            </Group>
          </Stack>
        </Paper>
        {schedule ? <Runs schedule={schedule} /> : null}
      </Stack>
    </>
  );
}

function Runs({ schedule }: { schedule: Schedule }) {
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="sm">Last runs</Title>
      {schedule.runs.length === 0 ? <Text size="sm" c="dimmed">It has not run yet.</Text> : (
        <Table.ScrollContainer minWidth={640}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Planned</Table.Th>
                <Table.Th>Ran</Table.Th>
                <Table.Th>Outcome</Table.Th>
                <Table.Th>Messages</Table.Th>
                <Table.Th>Skipped or invalid</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {schedule.runs.map((r) => (
                <Table.Tr key={r.occurrence}>
                  <Table.Td>{formatDateTime(r.occurrence)}</Table.Td>
                  <Table.Td>
                    {formatDateTime(r.ranAt)}
                    {r.late ? <Badge component="span" miw="max-content" ml="xs" color="orange" variant="dot">{r.missed > 0 ? `late, ${r.missed} missed` : "late"}</Badge> : null}
                  </Table.Td>
                  <Table.Td>{r.outcome}</Table.Td>
                  <Table.Td>{r.messageIds.length}</Table.Td>
                  <Table.Td>{r.skippedNoOptIn + r.skippedOptedOut + r.invalid}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Paper>
  );
}
