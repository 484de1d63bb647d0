import { useRef, useState, type FormEvent } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, Anchor, Button, Group, Input, Loader, NumberInput, Paper, Progress, Select, SimpleGrid, Stack, Text, TextInput, Title } from "@mantine/core";
import { api, unwrap } from "../../api/client";
import { fieldError } from "../../api/problem";
import { useConfigurationOptions } from "../../components/pickers";
import { PageHeader } from "../../components/PageHeader";
import { ProblemAlert } from "../../components/ProblemAlert";
import { ConfirmButton } from "../../components/ConfirmButton";
import { formatDateTime } from "../../components/dates";
import { campaignProgress, ended, formatEta, type Campaign } from "./progress";
import { uploadAudience, type UploadProgress } from "./uploadAudience";
import { StatusBadge } from "./StatusBadge";
import { useAction } from "../../components/useAction";

/** While a campaign runs its page reads its progress this often. */
const pollMs = 2_000;

export function CampaignDetail() {
  const { id } = useParams();
  const campaign = useQuery({
    queryKey: ["campaigns", id],
    queryFn: async () => unwrap(await api.GET("/v1/campaigns/{campaignId}", { params: { path: { campaignId: id! } } })),
    refetchInterval: (q) => (q.state.data?.status === "running" ? pollMs : false),
  });
  if (campaign.isLoading) return <Loader aria-label="Loading the campaign" />;
  if (!campaign.data) return <ProblemAlert error={campaign.error} />;
  return <CampaignView campaign={campaign.data} />;
}

const pausedReasons: Record<string, string> = {
  configuration_not_found: "its outbound configuration was deleted",
  configuration_inactive: "its outbound configuration is inactive",
  org_disabled: "the org is disabled",
  too_many_contacts: "the org allows fewer than 100 contacts a request",
  too_large: "a request of 100 of its messages is too large",
  audience_missing: "part of its audience is missing from storage",
  audience_unreadable: "part of its audience could not be read",
};

function CampaignView({ campaign: c }: { campaign: Campaign }) {
  const queries = useQueryClient();
  const navigate = useNavigate();
  const [commandError, setCommandError] = useState<unknown>();
  const [pending, setPending] = useState<string>();

  const put = (updated: Campaign) => {
    queries.setQueryData(["campaigns", c.id], updated);
    void queries.invalidateQueries({ queryKey: ["campaigns"], exact: false, refetchType: "none" });
  };

  async function command(name: "start" | "pause" | "resume" | "cancel") {
    setPending(name);
    setCommandError(undefined);
    try {
      const path = { params: { path: { campaignId: c.id } } };
      const result =
        name === "start" ? await api.POST("/v1/campaigns/{campaignId}/start", path)
        : name === "pause" ? await api.POST("/v1/campaigns/{campaignId}/pause", path)
        : name === "resume" ? await api.POST("/v1/campaigns/{campaignId}/resume", path)
        : await api.POST("/v1/campaigns/{campaignId}/cancel", path);
      put(unwrap(result));
    } catch (e) {
      setCommandError(e);
    } finally {
      setPending(undefined);
    }
  }

  const p = campaignProgress(c);
  const canUpload = c.status === "draft" || c.status === "ready";
  return (
    <>
      <PageHeader title={`Campaign: ${c.name}`}
        description={<>Status: <StatusBadge status={c.status} /> · {Math.round(c.quotaShare * 100)}% of the hourly quota · created {formatDateTime(c.createdAt)}</>}
        actions={
          <>
            {c.status === "ready" ? <Button loading={pending === "start"} onClick={() => void command("start")}>Start</Button> : null}
            {c.status === "running" ? <Button variant="light" loading={pending === "pause"} onClick={() => void command("pause")}>Pause</Button> : null}
            {c.status === "paused" ? <Button loading={pending === "resume"} onClick={() => void command("resume")}>Resume</Button> : null}
            {!ended.has(c.status) ? (
              <ConfirmButton label="Cancel the campaign" title={`Cancel "${c.name}"?`} buttonProps={{ size: "sm" }}
                message="What was sent stays sent; the rest of the audience is never sent. A cancelled campaign cannot be started again."
                confirmLabel="Cancel the campaign" onConfirm={() => command("cancel")} />
            ) : null}
            <ConfirmButton label="Delete" title={`Delete "${c.name}"?`} buttonProps={{ size: "sm", variant: "subtle" }}
              message="The campaign and its audience are deleted; a running one sends no more. Messages already sent stay in the reports."
              confirmLabel="Delete the campaign"
              onConfirm={async () => {
                unwrap(await api.DELETE("/v1/campaigns/{campaignId}", { params: { path: { campaignId: c.id } } }));
                await queries.invalidateQueries({ queryKey: ["campaigns"] });
                navigate("/campaigns");
              }} />
          </>
        } />
      <Stack gap="lg">
        <ProblemAlert error={commandError} />
        {c.pausedReason ? (
          <Alert color="yellow" styles={{ title: { color: "var(--mantine-color-text)" } }} title="The campaign paused itself">
            It stopped because {pausedReasons[c.pausedReason] ?? c.pausedReason}. Fix that, then resume: it goes on where it stopped.
          </Alert>
        ) : null}
        <Paper withBorder p="md">
          <Group justify="space-between" mb="xs">
            <Title order={2} size="h4">Progress</Title>
            {c.status === "running" ? <Text size="xs" c="dimmed">Updated live</Text> : null}
          </Group>
          <Progress value={p * 100} size="lg" animated={c.status === "running"} aria-label={`${Math.round(p * 100)}% of the audience sent`} />
          <Text size="sm" mt={4}>{Math.round(p * 100)}% of {c.total.toLocaleString()} contacts</Text>
          <SimpleGrid cols={{ base: 2, sm: 4 }} mt="md">
            <Figure label="Accepted" value={c.accepted} />
            <Figure label="Sent" value={c.sent} />
            <Figure label="Delivered" value={c.delivered} />
            <Figure label="Failed" value={c.failed} />
            <Figure label="Skipped: no opt-in" value={c.skippedNoOptIn} />
            <Figure label="Skipped: opted out" value={c.skippedOptedOut} />
            <Figure label="Invalid" value={c.invalid} />
            <Figure label="Requests sent" value={c.requestsSent} />
          </SimpleGrid>
          <Text size="sm" mt="md" c="dimmed">
            {c.startedAt ? `Started ${formatDateTime(c.startedAt)}. ` : "Not started. "}
            {c.endedAt ? `Ended ${formatDateTime(c.endedAt)}. ` : ""}
            {c.etaSeconds !== null && c.etaSeconds !== undefined ? `About ${formatEta(c.etaSeconds)} to go. ` : ""}
            {c.waitingUntil ? `Its share of this hour's quota is used: it goes on at ${formatDateTime(c.waitingUntil)}.` : ""}
          </Text>
        </Paper>
        <AudienceSection campaign={c} canUpload={canUpload} onUploaded={() => void queries.invalidateQueries({ queryKey: ["campaigns", c.id] })} />
        <SettingsSection key={c.version} campaign={c} onSaved={put} />
        <Group><Anchor component={Link} to="/campaigns">Back to campaigns</Anchor></Group>
      </Stack>
    </>
  );
}

/** The campaign's name, configuration (until it starts) and quota share, saved whole as the API replaces it. */
function SettingsSection({ campaign: c, onSaved }: { campaign: Campaign; onSaved(c: Campaign): void }) {
  const [name, setName] = useState(c.name);
  const [configurationId, setConfigurationId] = useState<string | null>(c.configurationId);
  const [sharePercent, setSharePercent] = useState<number | string>(Math.round(c.quotaShare * 100));
  const { busy, error, run } = useAction();
  const configurations = useConfigurationOptions(configurationId ? [configurationId] : []);
  const started = c.startedAt !== null && c.startedAt !== undefined;

  async function submit(e: FormEvent) {
    e.preventDefault();
    await run(async () => {
      onSaved(unwrap(await api.PUT("/v1/campaigns/{campaignId}", {
        params: { path: { campaignId: c.id } },
        body: { name, configurationId, quotaShare: typeof sharePercent === "number" ? sharePercent / 100 : null },
      })));
    });
  }

  return (
    <Paper withBorder p="md" component="form" onSubmit={submit} aria-labelledby="campaign-settings">
      <Title order={2} size="h4" mb="xs" id="campaign-settings">Settings</Title>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <TextInput label="Name" required maxLength={200} value={name} onChange={(e) => setName(e.currentTarget.value)} error={fieldError(error, "name")} />
        <Select label="Outbound configuration" data={configurations.options} value={configurationId} onChange={setConfigurationId} searchable required
          disabled={started} description={started ? "It cannot change once the campaign has started." : undefined}
          error={fieldError(error, "configurationId")} nothingFoundMessage="No such configuration" />
        <NumberInput label="Share of the hourly quota (%)" min={1} max={100} suffix="%" value={sharePercent} onChange={setSharePercent}
          error={fieldError(error, "quotaShare")} />
      </SimpleGrid>
      <ProblemAlert error={error} shown={["name", "configurationId", "quotaShare"]} />
      <Group justify="flex-end" mt="sm">
        <Button type="submit" variant="light" loading={busy}>Save the settings</Button>
      </Group>
    </Paper>
  );
}

function Figure({ label, value }: { label: string; value: number }) {
  return (
    <div>
      <Text size="xs" c="dimmed">{label}</Text>
      <Text fw={600}>{value.toLocaleString()}</Text>
    </div>
  );
}

function AudienceSection({ campaign: c, canUpload, onUploaded }: { campaign: Campaign; canUpload: boolean; onUploaded(): void }) {
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File>();
  const [progress, setProgress] = useState<UploadProgress>();
  const [error, setError] = useState<unknown>();
  const [uploading, setUploading] = useState(false);
  const abort = useRef<AbortController>(undefined);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!file) return;
    setError(undefined);
    setUploading(true);
    setProgress({ phase: "uploading", loaded: 0, total: file.size, fraction: 0 });
    abort.current = new AbortController();
    try {
      await uploadAudience(c.id, file, setProgress, abort.current.signal);
      setFile(undefined);
      if (input.current) input.current.value = "";
      onUploaded();
    } catch (err) {
      setProgress(undefined);
      if (!(err instanceof DOMException && err.name === "AbortError")) setError(err);
    } finally {
      setUploading(false);
    }
  }

  const a = c.audience;
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="xs">Audience</Title>
      {a ? (
        <Stack gap={4} mb="md">
          <Text size="sm">
            {a.rows.toLocaleString()} rows uploaded {formatDateTime(a.uploadedAt)}: <b>{a.valid.toLocaleString()} valid</b>, {a.invalid.toLocaleString()} refused.
          </Text>
          {a.invalid > 0 ? (
            <Anchor href={`/v1/campaigns/${c.id}/audience/errors`} download={`${c.name}-row-errors.csv`} size="sm">
              Download the row-error report (CSV)
            </Anchor>
          ) : null}
        </Stack>
      ) : (
        <Text size="sm" mb="md">No audience yet: upload the contacts to send to.</Text>
      )}
      {canUpload ? (
        <form onSubmit={submit}>
          <Stack gap="sm">
            <Input.Wrapper label={a ? "Replace the audience" : "Audience file"} id="audience-file"
              description="CSV with a header row (tocontactid, optin, then locale, entityrelationshipname or a column per slug), or JSON Lines, one contact a line. Up to 1,000,000 rows.">
              <input ref={input} id="audience-file" type="file" accept=".csv,.jsonl,.ndjson,text/csv,application/jsonl,application/x-ndjson"
                aria-describedby="audience-file-description" disabled={uploading}
                onChange={(e) => { setFile(e.currentTarget.files?.[0]); setProgress(undefined); setError(undefined); }}
                style={{ display: "block", marginTop: 6 }} />
            </Input.Wrapper>
            <UploadBar progress={progress} />
            <ProblemAlert error={error} />
            <Group justify="flex-end">
              {uploading ? <Button variant="default" onClick={() => abort.current?.abort()}>Stop the upload</Button> : null}
              <Button type="submit" disabled={!file} loading={uploading}>Upload</Button>
            </Group>
          </Stack>
        </form>
      ) : (
        <Text size="xs" c="dimmed">The audience cannot change once the campaign has started.</Text>
      )}
    </Paper>
  );
}

/** The upload's progress bar: the bytes sent, then the gateway's last checks, then what it read. */
export function UploadBar({ progress }: { progress: UploadProgress | undefined }) {
  if (!progress) return null;
  const value = progress.phase === "uploading" ? progress.fraction * 100 : 100;
  const label =
    progress.phase === "uploading" ? `Uploading: ${Math.round(progress.fraction * 100)}%`
    : progress.phase === "checking" ? "Uploaded: checking the last rows…"
    : `Done: ${progress.audience.valid.toLocaleString()} valid rows, ${progress.audience.invalid.toLocaleString()} refused.`;
  return (
    <div>
      <Progress value={value} size="lg" color={progress.phase === "done" ? "teal" : undefined}
        animated={progress.phase === "checking"} aria-label="Upload progress" />
      <Text size="sm" mt={4} role="status" data-phase={progress.phase}>{label}</Text>
    </div>
  );
}
