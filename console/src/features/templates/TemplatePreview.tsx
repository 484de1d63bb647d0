import { useState } from "react";
import { useMutation } from "@tanstack/react-query";
import { Badge, Button, Code, Group, Paper, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { api, unwrap } from "../../api/client";
import { fieldError } from "../../api/problem";
import { ProblemAlert } from "../../components/ProblemAlert";
import { analyzeSms } from "./smsEncoding";
import { fillSlugs, slugsOf, valueOf } from "../../components/slugs";
import { emptyVersion, type TemplateDraft } from "./templateDraft";

/**
 * What the selected locale's version sends: filled with sample slug values, with its encoding and segment count
 * worked out as you type; a saved template can also be rendered by the service, which is what a send does.
 */
export function TemplatePreview({ id, draft, locale, dirty }: { id?: string; draft: TemplateDraft; locale: string; dirty: boolean }) {
  const [values, setValues] = useState<Record<string, string>>({});
  const version = draft.versions[locale] ?? emptyVersion();
  const slugs = draft.channelType === "sms"
    ? slugsOf(version.body)
    : [...new Set(version.variables.map((v) => v.slug.trim()).filter(Boolean))];

  const render = useMutation({
    mutationFn: async () => unwrap(await api.POST("/v1/templates/{id}/render", {
      params: { path: { id: id! } },
      body: { locale, contextitems: Object.fromEntries(Object.entries(values).filter(([, v]) => v !== "")) },
    })),
  });

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="template-preview-title" style={{ alignSelf: "start" }}>
      <Stack gap="sm">
        <Title order={2} size="h4" id="template-preview-title">Preview ({locale})</Title>
        {slugs.length > 0 ? (
          <Stack gap="xs">
            <Text size="sm" c="dimmed">Sample values for the slugs:</Text>
            {slugs.map((slug) => (
              <TextInput
                key={slug} label={slug} size="xs" error={fieldError(render.error, `contextitems.${slug}`)}
                value={valueOf(values, slug) ?? ""}
                onChange={(e) => { const v = e.currentTarget.value; setValues((old) => ({ ...old, [slug]: v })); }}
              />
            ))}
          </Stack>
        ) : null}
        {draft.channelType === "sms" ? <SmsPreview body={version.body} values={values} /> : (
          <WhatsAppPreview contentSid={version.contentSid} variables={version.variables.map((v) => ({ key: v.key, value: valueOf(values, v.slug.trim()) }))} />
        )}
        {id !== undefined ? (
          <Stack gap="xs" mt="xs">
            <Group gap="sm">
              <Button variant="default" onClick={() => render.mutate()} loading={render.isPending}>Render with the service</Button>
              {dirty ? <Text size="xs" c="dimmed">Renders the saved template: save first to see your changes.</Text> : null}
            </Group>
            <ProblemAlert error={render.error} shown={slugs.map((slug) => `contextitems.${slug}`)} />
            {render.data ? (
              <Paper bg="var(--mantine-color-gray-0)" p="sm" aria-live="polite" data-testid="rendered">
                <Text size="xs" c="dimmed" mb={4}>The service renders the {render.data.locale} version:</Text>
                {render.data.text != null ? (
                  <>
                    <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>{render.data.text}</Text>
                    <Group gap="xs" mt="xs">
                      <Badge variant="light" color="blue">{render.data.encoding}</Badge>
                      <Badge variant="light" color="blue">{render.data.segments} {render.data.segments === 1 ? "segment" : "segments"}</Badge>
                    </Group>
                  </>
                ) : (
                  <Text size="sm"><Code>{render.data.contentSid}</Code> {JSON.stringify(render.data.contentVariables ?? {})}</Text>
                )}
              </Paper>
            ) : null}
          </Stack>
        ) : null}
      </Stack>
    </Paper>
  );
}

function SmsPreview({ body, values }: { body: string; values: Record<string, string> }) {
  const { text, missing } = fillSlugs(body, values);
  const info = analyzeSms(text);
  const perSegment = info.encoding === "GSM-7" ? (info.segments > 1 ? 153 : 160) : (info.segments > 1 ? 67 : 70);
  return (
    <Stack gap="xs" data-testid="sms-preview">
      <Paper bg="var(--mantine-color-blue-0)" p="sm" radius="lg" maw={360}>
        <Text size="sm" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>{text || " "}</Text>
      </Paper>
      <Group gap="xs" aria-live="polite">
        <Badge variant="light" color="blue" data-testid="encoding">{info.encoding}</Badge>
        <Badge variant="light" color="blue" data-testid="segments">{info.segments} {info.segments === 1 ? "segment" : "segments"}</Badge>
        <Text size="xs" c="dimmed">{info.units} {info.encoding === "GSM-7" ? "septets" : "UTF-16 units"}; {perSegment} per segment</Text>
      </Group>
      {info.encoding === "UCS-2" ? (
        <Text size="xs" c="dimmed">A character outside the GSM-7 alphabet makes the whole text UCS-2: 70 characters a segment instead of 160.</Text>
      ) : null}
      {missing.length > 0 ? (
        <Text size="xs" c="dimmed">Counted with {missing.map((m) => `{${m}}`).join(", ")} as written: give sample values to count the real length.</Text>
      ) : null}
    </Stack>
  );
}

function WhatsAppPreview({ contentSid, variables }: { contentSid: string; variables: { key: string; value?: string }[] }) {
  return (
    <Stack gap="xs">
      <Text size="sm">Content Template <Code>{contentSid || "HX…"}</Code></Text>
      {variables.length > 0 ? (
        <Table withTableBorder>
          <Table.Thead><Table.Tr><Table.Th>Variable</Table.Th><Table.Th>Value</Table.Th></Table.Tr></Table.Thead>
          <Table.Tbody>
            {variables.map((v, i) => (
              <Table.Tr key={i}><Table.Td>{`{{${v.key}}}`}</Table.Td><Table.Td>{v.value ?? <Text span c="dimmed" size="sm">no value</Text>}</Table.Td></Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : <Text size="xs" c="dimmed">No variables.</Text>}
    </Stack>
  );
}
