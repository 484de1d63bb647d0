import { useMemo } from "react";
import { useQuery } from "@tanstack/react-query";
import { Card, Group, Loader, RingProgress, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { api, unwrap } from "../../api/client";
import { PageHeader } from "../../components/PageHeader";
import { ProblemAlert } from "../../components/ProblemAlert";
import { messageStatuses } from "../../components/messageStatus";
import { StatusBadge } from "../../components/StatusBadge";
import { toChartSeries } from "../../components/reportSeries";
import { StatusBarChart } from "../reports/StatusBarChart";
import { deliveryRate, finalCount, formatRate, quotaGauge, startOfUtcDay } from "./stats";

// Numbers move as messages are delivered: refreshed while the page is open.
const refreshMs = 30_000;

function useToday() {
  // Fixed while the page is open, so the query key stays stable between refreshes.
  return useMemo(() => startOfUtcDay(new Date()), []);
}

export default function OverviewPage() {
  const today = useToday();
  const report = useQuery({
    queryKey: ["overview", "report", today.toISOString()],
    queryFn: async () =>
      unwrap(await api.GET("/v1/reports/outbound", { params: { query: { from: today.toISOString(), to: new Date().toISOString(), interval: "hour" } } })),
    refetchInterval: refreshMs,
  });
  const usage = useQuery({
    queryKey: ["overview", "usage"],
    queryFn: async () => unwrap(await api.GET("/v1/org/usage")),
    refetchInterval: refreshMs,
  });

  const totals = report.data?.totals;
  const rate = totals ? deliveryRate(totals) : null;
  const points = report.data ? toChartSeries(report.data.buckets, "hour", today, new Date()) : [];
  const gauge = usage.data ? quotaGauge(usage.data.used, usage.data.limit) : null;

  return (
    <>
      <PageHeader title="Overview" description="Today's messages (since midnight UTC), the delivery rate and this hour's quota." />
      <ProblemAlert error={report.error ?? usage.error} />
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} mb="md">
        <Card withBorder padding="lg" component="section" aria-labelledby="today-heading">
          <Title order={2} size="h4" id="today-heading">Messages today</Title>
          {totals ? (
            <>
              <Text size="xl" fw={700} mt="xs" data-testid="messages-today">{totals.total.toLocaleString()}</Text>
              <Group gap="xs" mt="sm" component="ul" style={{ listStyle: "none", padding: 0, margin: 0 }} aria-label="Messages today by status">
                {messageStatuses.filter((s) => totals[s.key] > 0).map((s) => (
                  <li key={s.key}>
                    <StatusBadge status={s.key} size="lg">{s.label}: {totals[s.key].toLocaleString()}</StatusBadge>
                  </li>
                ))}
              </Group>
            </>
          ) : <Loader size="sm" mt="sm" aria-label="Loading today's messages" />}
        </Card>
        <Card withBorder padding="lg" component="section" aria-labelledby="rate-heading">
          <Title order={2} size="h4" id="rate-heading">Delivery rate</Title>
          {totals ? (
            <>
              <Text size="xl" fw={700} mt="xs" data-testid="delivery-rate">{formatRate(rate)}</Text>
              <Text size="sm" c="dimmed" mt="xs">
                Delivered or read, out of today's messages with a final status (delivered, read, undelivered, failed or
                unknown): {finalCount(totals).toLocaleString()} so far. Messages still on their way are not counted.
              </Text>
            </>
          ) : <Loader size="sm" mt="sm" aria-label="Loading the delivery rate" />}
        </Card>
        <Card withBorder padding="lg" component="section" aria-labelledby="quota-heading">
          <Title order={2} size="h4" id="quota-heading">Quota this hour</Title>
          {usage.data && gauge ? (
            <Group mt="xs" wrap="nowrap">
              <RingProgress
                size={110}
                thickness={12}
                roundCaps
                sections={[{ value: gauge.percent, color: gauge.color }]}
                label={<Text ta="center" fw={700} size="sm">{gauge.label}</Text>}
                role="img"
                aria-label={`${usage.data.used} of ${usage.data.limit} send requests used this hour`}
              />
              <Stack gap={2}>
                <Text fw={600} data-testid="quota-used">{usage.data.used.toLocaleString()} of {usage.data.limit.toLocaleString()} send requests</Text>
                <Text size="sm" c="dimmed">Starts again at {new Date(usage.data.resetAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}</Text>
                {usage.data.campaignUsed > 0 ? <Text size="sm" c="dimmed">{usage.data.campaignUsed.toLocaleString()} by campaigns</Text> : null}
              </Stack>
            </Group>
          ) : <Loader size="sm" mt="sm" aria-label="Loading the quota" />}
        </Card>
      </SimpleGrid>
      <Card withBorder padding="lg" component="section" aria-labelledby="hourly-heading">
        <Title order={2} size="h4" id="hourly-heading" mb="xs">Sends per hour</Title>
        {report.data
          ? <StatusBarChart points={points} caption="Messages accepted per UTC hour today, by current status." />
          : <Loader size="sm" aria-label="Loading the chart" />}
      </Card>
    </>
  );
}
