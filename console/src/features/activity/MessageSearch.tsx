import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";
import { Anchor, Button, Group, NativeSelect, Paper, SimpleGrid, Table, Text, TextInput } from "@mantine/core";
import { api, unwrap } from "../../api/client";
import { fieldError } from "../../api/problem";
import { PageHeader } from "../../components/PageHeader";
import { Pager } from "../../components/Pager";
import { ProblemAlert } from "../../components/ProblemAlert";
import { messageStatuses, statusStyle } from "../../components/messageStatus";
import { StatusBadge } from "../../components/StatusBadge";
import { useConfigurationOptions } from "../../components/useConfigurationOptions";
import { useCursorPages } from "../../components/useCursorPages";
import { formatTime } from "./format";
import { emptySearch, toSearchQuery, type SearchForm } from "./searchFilters";

const fields = ["number", "status", "configurationId", "from", "until"] as const;

/** The filters live in the address, so a message's page links back to the same search. */
function formFrom(params: URLSearchParams): SearchForm {
  const form = { ...emptySearch };
  for (const f of fields) form[f] = params.get(f) ?? "";
  return form;
}

export function MessageSearch() {
  const [params, setParams] = useSearchParams();
  const applied = formFrom(params);
  const [form, setForm] = useState<SearchForm>(applied);
  const configurations = useConfigurationOptions();
  const query = toSearchQuery(applied);
  const pages = useCursorPages(["messages", query], async (cursor) =>
    unwrap(await api.GET("/v1/messages", { params: { query: { ...query, cursor, pageSize: 25 } } })));

  function search(event: FormEvent) {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const f of fields) if (form[f]) next.set(f, form[f]);
    setParams(next);
    pages.reset();
  }

  function clear() {
    setForm(emptySearch);
    setParams(new URLSearchParams());
    pages.reset();
  }

  const set = (field: keyof SearchForm) => (value: string) => setForm((f) => ({ ...f, [field]: value }));
  const error = pages.error;

  return (
    <>
      <PageHeader title="Activity" description="Every message sent, newest first: search by number, status, configuration and time (the last week unless you choose)." />
      <Paper withBorder p="md" mb="md" component="form" onSubmit={search} role="search" aria-label="Search messages">
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 5 }}>
          <TextInput label="Number" placeholder="+14155550100" value={form.number} onChange={(e) => set("number")(e.currentTarget.value)}
            description="Found for configurations shown in the timeline" error={fieldError(error, "number")} inputMode="tel" />
          <NativeSelect label="Status" value={form.status} onChange={(e) => set("status")(e.currentTarget.value)} error={fieldError(error, "status")}
            data={[{ value: "", label: "Any status" }, ...messageStatuses.map((s) => ({ value: s.key, label: s.label }))]} />
          <NativeSelect label="Configuration" value={form.configurationId} onChange={(e) => set("configurationId")(e.currentTarget.value)}
            error={fieldError(error, "configurationId")}
            data={[{ value: "", label: "Any configuration" }, ...configurations.options]} />
          <TextInput type="datetime-local" label="Accepted from" value={form.from} onChange={(e) => set("from")(e.currentTarget.value)} error={fieldError(error, "from")} />
          <TextInput type="datetime-local" label="Accepted until" value={form.until} onChange={(e) => set("until")(e.currentTarget.value)} error={fieldError(error, "until")} />
        </SimpleGrid>
        <Group justify="flex-end" mt="md" gap="sm">
          <Button variant="default" onClick={clear}>Clear</Button>
          <Button type="submit" loading={pages.isFetching}>Search</Button>
        </Group>
      </Paper>
      <ProblemAlert error={error ?? configurations.error} shown={[...fields]} />
      <Table.ScrollContainer minWidth={760}>
        <Table striped highlightOnHover aria-label="Messages" aria-busy={pages.isFetching}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Message</Table.Th>
              <Table.Th>Number</Table.Th>
              <Table.Th>Configuration</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Accepted</Table.Th>
              <Table.Th>Last status</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {pages.items.map((m) => {
              const status = statusStyle(m.status);
              return (
                <Table.Tr key={m.messageId}>
                  <Table.Td>
                    <Anchor component={Link} to={`/activity/messages/${m.messageId}`} ff="monospace" size="sm" aria-label={`Message to ${m.toContactId}, ${status.label}, ${formatTime(m.acceptedAt)}`}>
                      {m.messageId.slice(0, 8)}…{m.messageId.slice(-4)}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <Anchor component={Link} to={`/activity/contacts/${encodeURIComponent(m.toContactId)}`} size="sm">{m.toContactId}</Anchor>
                  </Table.Td>
                  <Table.Td><Text size="sm">{m.configurationId ? configurations.nameOf(m.configurationId) ?? m.configurationId : "Direct message"}</Text></Table.Td>
                  <Table.Td>
                    <StatusBadge status={m.status} />
                    {m.errorCode ? <Text span size="xs" c="dimmed" ml={6}>{m.errorCode}</Text> : null}
                  </Table.Td>
                  <Table.Td><Text size="sm">{formatTime(m.acceptedAt)}</Text></Table.Td>
                  <Table.Td><Text size="sm">{formatTime(m.updatedAt)}</Text></Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {!pages.isLoading && pages.items.length === 0 ? (
        <Text c="dimmed" size="sm" mt="sm">
          {pages.hasNext ? "No match in this part of the window: the next page looks further back." : "No messages match."}
        </Text>
      ) : null}
      <Pager pageNumber={pages.pageNumber} hasPrevious={pages.hasPrevious} hasNext={pages.hasNext}
        previous={pages.previous} next={pages.next} isFetching={pages.isFetching} />
    </>
  );
}
