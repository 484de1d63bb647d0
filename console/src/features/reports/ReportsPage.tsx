import { useMemo, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { Button, Card, Group, Loader, NativeSelect, Paper, Progress, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { api, unwrap } from "../../api/client";
import { fieldError } from "../../api/problem";
import { PageHeader } from "../../components/PageHeader";
import { ProblemAlert } from "../../components/ProblemAlert";
import { messageStatuses } from "../../components/messageStatus";
import { toChartSeries, type ReportInterval } from "../../components/reportSeries";
import { useConfigurationOptions } from "../../components/useConfigurationOptions";
import { downloadCsv, fetchAllCsvPages, type CsvProgress } from "./csvExport";
import { maxHourlyDays, ranges, reportWindow, type RangeKey } from "./reportRange";
import { StatusBarChart } from "./StatusBarChart";

function useCampaignOptions() {
  const query = useQuery({
    queryKey: ["campaigns", "options"],
    // One page of the largest size: campaigns past it are still reported by the campaign's own page.
    queryFn: async () => unwrap(await api.GET("/v1/campaigns", { params: { query: { limit: 200 } } })),
    staleTime: 60_000,
  });
  return { options: (query.data?.items ?? []).map((c) => ({ value: c.id, label: c.name })), error: query.error };
}

export default function ReportsPage() {
  const configurations = useConfigurationOptions();
  const campaigns = useCampaignOptions();
  const [configurationId, setConfigurationId] = useState("");
  const [campaignId, setCampaignId] = useState("");
  const [range, setRange] = useState<RangeKey>("1d");
  const [chosenInterval, setChosenInterval] = useState<ReportInterval>("hour");
  // The window is fixed when the filters change (not at every render), so the query key stays put.
  const span = useMemo(() => reportWindow(range, chosenInterval, new Date()), [range, chosenInterval]);
  const query = {
    from: span.from.toISOString(),
    to: span.to.toISOString(),
    ...(configurationId ? { configurationId } : {}),
    ...(campaignId ? { campaignId } : {}),
  };
  const report = useQuery({
    queryKey: ["report", query, span.interval],
    queryFn: async () => unwrap(await api.GET("/v1/reports/outbound", { params: { query: { ...query, interval: span.interval } } })),
  });
  const points = report.data ? toChartSeries(report.data.buckets, span.interval, span.from, span.to) : [];
  const totals = report.data?.totals;

  const [exporting, setExporting] = useState<CsvProgress | null>(null);
  const [exportError, setExportError] = useState<unknown>(null);
  const [exported, setExported] = useState<CsvProgress | null>(null);

  async function exportCsv() {
    setExportError(null);
    setExported(null);
    setExporting({ pages: 0, rows: 0 });
    try {
      const url = `/v1/reports/outbound/recipients?${new URLSearchParams({ ...query, limit: "5000" })}`;
      let last: CsvProgress = { pages: 0, rows: 0 };
      const csv = await fetchAllCsvPages(url, (p) => {
        last = p;
        setExporting(p);
      });
      downloadCsv(csv, `recipients-${query.from.slice(0, 16).replace(":", "")}-${query.to.slice(0, 16).replace(":", "")}.csv`);
      setExported(last);
    } catch (e) {
      setExportError(e);
    } finally {
      setExporting(null);
    }
  }

  const expected = totals?.total ?? 0;
  const error = report.error ?? exportError;

  return (
    <>
      <PageHeader title="Reports" description="What was sent and what became of it, per hour or day and per status; every recipient as CSV." />
      <Paper withBorder p="md" mb="md" component="section" aria-label="Report filters">
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
          <NativeSelect label="Configuration" value={configurationId} onChange={(e) => setConfigurationId(e.currentTarget.value)}
            error={fieldError(error, "configurationId")} data={[{ value: "", label: "Every configuration" }, ...configurations.options]} />
          <NativeSelect label="Campaign" value={campaignId} onChange={(e) => setCampaignId(e.currentTarget.value)}
            error={fieldError(error, "campaignId")} data={[{ value: "", label: "All messages" }, ...campaigns.options]} />
          <NativeSelect label="Time range" value={range} onChange={(e) => setRange(e.currentTarget.value as RangeKey)}
            error={fieldError(error, "from") ?? fieldError(error, "to")} data={ranges.map((r) => ({ value: r.value, label: r.label }))} />
          <Stack gap={4}>
            <Text size="sm" fw={500} id="interval-label">Per</Text>
            <SegmentedControl aria-labelledby="interval-label" value={span.interval} onChange={(v) => setChosenInterval(v as ReportInterval)}
              data={[
                { value: "hour", label: "Hour", disabled: ranges.find((r) => r.value === range)!.days > maxHourlyDays },
                { value: "day", label: "Day" },
              ]} />
          </Stack>
        </SimpleGrid>
      </Paper>
      <ProblemAlert error={error ?? configurations.error ?? campaigns.error} shown={["configurationId", "campaignId", "from", "to"]} />
      <Card withBorder padding="lg" mb="md" component="section" aria-labelledby="chart-heading">
        <Title order={2} size="h4" id="chart-heading" mb="xs">Messages per {span.interval}</Title>
        {report.data
          ? <StatusBarChart points={points} caption={`Messages accepted per UTC ${span.interval} (${ranges.find((r) => r.value === range)!.label.toLowerCase()}), by current status.`} />
          : <Loader size="sm" aria-label="Loading the report" />}
      </Card>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder padding="lg" component="section" aria-labelledby="totals-heading">
          <Title order={2} size="h4" id="totals-heading" mb="xs">Totals</Title>
          {totals ? (
            <Table aria-labelledby="totals-heading">
              <Table.Thead><Table.Tr><Table.Th>Status</Table.Th><Table.Th ta="right">Messages</Table.Th></Table.Tr></Table.Thead>
              <Table.Tbody>
                {messageStatuses.filter((s) => totals[s.key] > 0).map((s) => (
                  <Table.Tr key={s.key}><Table.Td>{s.label}</Table.Td><Table.Td ta="right">{totals[s.key].toLocaleString()}</Table.Td></Table.Tr>
                ))}
                <Table.Tr><Table.Th>Total</Table.Th><Table.Td ta="right" fw={700}>{totals.total.toLocaleString()}</Table.Td></Table.Tr>
              </Table.Tbody>
            </Table>
          ) : null}
        </Card>
        <Card withBorder padding="lg" component="section" aria-labelledby="export-heading">
          <Title order={2} size="h4" id="export-heading" mb="xs">Recipients</Title>
          <Text size="sm" c="dimmed" mb="md">
            One row per message of this report, with its recipient, status and times. Numbers are quoted so a spreadsheet keeps the +.
          </Text>
          <Group>
            <Button onClick={exportCsv} loading={exporting !== null} disabled={report.isLoading}>Export CSV</Button>
          </Group>
          {exporting ? (
            <Stack gap={4} mt="md">
              <Progress value={expected > 0 ? Math.min(100, (exporting.rows / expected) * 100) : 0} animated aria-label="Export progress" />
              <Text size="sm" aria-live="polite">Fetched {exporting.rows.toLocaleString()} of about {expected.toLocaleString()} rows ({exporting.pages} pages)</Text>
            </Stack>
          ) : null}
          {exported ? <Text size="sm" mt="md" aria-live="polite">Downloaded {exported.rows.toLocaleString()} rows.</Text> : null}
        </Card>
      </SimpleGrid>
    </>
  );
}
