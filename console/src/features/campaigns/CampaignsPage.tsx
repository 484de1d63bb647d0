import { useState, type FormEvent } from "react";
import { Link, Route, Routes, useNavigate } from "react-router";
import { useQueryClient } from "@tanstack/react-query";
import { Anchor, Button, Group, NumberInput, Paper, Progress, Select, Stack, Text, TextInput } from "@mantine/core";
import { api, unwrap } from "../../api/client";
import { fieldError } from "../../api/problem";
import { PageHeader } from "../../components/PageHeader";
import { PagedTable } from "../../components/PagedTable";
import { ProblemAlert } from "../../components/ProblemAlert";
import { MoreChoices } from "../../components/MoreChoices";
import { useCursorPages } from "../../components/useCursorPages";
import { useConfigurationOptions } from "../../components/pickers";
import { campaignProgress } from "./progress";
import { StatusBadge } from "./StatusBadge";
import { CampaignDetail } from "./CampaignDetail";
import { useAction } from "../../components/useAction";

// Listing campaigns reads each one's progress from the reports: pages stay small.
const pageSize = 25;

export default function CampaignsPage() {
  return (
    <Routes>
      <Route index element={<CampaignList />} />
      <Route path="new" element={<CreateCampaign />} />
      <Route path=":id" element={<CampaignDetail />} />
    </Routes>
  );
}

function CampaignList() {
  const campaigns = useCursorPages(["campaigns"], async (cursor) =>
    unwrap(await api.GET("/v1/campaigns", { params: { query: { cursor, limit: pageSize } } })));
  const anyRunning = campaigns.items.some((c) => c.status === "running");
  return (
    <>
      <PageHeader title="Campaigns" description="Sends to an uploaded audience, paced within a share of the hourly quota."
        actions={<Button component={Link} to="new">Create a campaign</Button>} />
      <PagedTable
        pages={campaigns}
        rowKey={(c) => c.id}
        loadingLabel="Loading campaigns"
        minWidth={720}
        empty="No campaigns yet."
        columns={[
          { header: "Name", cell: (c) => <Anchor component={Link} to={c.id}>{c.name}</Anchor> },
          { header: "Status", cell: (c) => <StatusBadge status={c.status} /> },
          {
            header: "Progress",
            width: "30%",
            cell: (c) => {
              const p = campaignProgress(c);
              return <Progress value={p * 100} aria-label={`${c.name}: ${Math.round(p * 100)}% sent`} animated={c.status === "running"} />;
            },
          },
          { header: "Contacts", cell: (c) => c.total.toLocaleString() },
          { header: "Delivered", cell: (c) => c.delivered.toLocaleString() },
        ]}
      />
      {anyRunning ? <Text size="xs" c="dimmed" mt="xs">Open a running campaign to follow it live.</Text> : null}
    </>
  );
}

function CreateCampaign() {
  const navigate = useNavigate();
  const queries = useQueryClient();
  const [name, setName] = useState("");
  const [configurationId, setConfigurationId] = useState<string | null>(null);
  const [sharePercent, setSharePercent] = useState<number | string>(80);
  const { busy, error, run } = useAction();
  const configurations = useConfigurationOptions(configurationId ? [configurationId] : []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    await run(async () => {
      const made = unwrap(await api.POST("/v1/campaigns", {
        body: { name, configurationId, quotaShare: typeof sharePercent === "number" ? sharePercent / 100 : null },
      }));
      await queries.invalidateQueries({ queryKey: ["campaigns"] });
      navigate(`/campaigns/${made.id}`);
    });
  }

  return (
    <>
      <PageHeader title="Create a campaign" description="A draft first: upload its audience on the next page, then start it." />
      <Paper withBorder p="md" component="form" onSubmit={submit} maw={720}>
        <Stack>
          <TextInput label="Name" required maxLength={200} value={name} onChange={(e) => setName(e.currentTarget.value)} error={fieldError(error, "name")} />
          <div>
            <Select label="Outbound configuration" description="The channel and template of every message; it cannot change once the campaign has started."
              data={configurations.options} value={configurationId} onChange={setConfigurationId} searchable required
              error={fieldError(error, "configurationId")} nothingFoundMessage="No such configuration" />
            <MoreChoices picker={configurations} what="configurations" />
          </div>
          <NumberInput label="Share of the hourly quota (%)" description="Campaigns may use this much of each clock hour's requests; the rest stays for event-based and instant sends."
            min={1} max={100} suffix="%" value={sharePercent} onChange={setSharePercent} error={fieldError(error, "quotaShare")} />
          <ProblemAlert error={error} shown={["name", "configurationId", "quotaShare"]} />
          <Group justify="flex-end">
            <Button variant="default" component={Link} to="/campaigns">Back to campaigns</Button>
            <Button type="submit" loading={busy}>Create the campaign</Button>
          </Group>
        </Stack>
      </Paper>
    </>
  );
}
