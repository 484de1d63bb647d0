import { useState, type FormEvent } from "react";
import { Link, useLocation, useNavigate, useParams } from "react-router";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  ActionIcon, Anchor, Button, Group, Indicator, Loader, Paper, SegmentedControl, Select, SimpleGrid, Stack, Tabs, Text,
  TextInput, Textarea, Title,
} from "@mantine/core";
import { api, unwrap } from "../../api/client";
import { fieldError } from "../../api/problem";
import { PageHeader } from "../../components/PageHeader";
import { ProblemAlert } from "../../components/ProblemAlert";
import { DeleteButton } from "../../components/DeleteButton";
import { SlugHighlight } from "./SlugHighlight";
import { TemplatePreview } from "./TemplatePreview";
import { parseBody } from "../../components/slugs";
import {
  emptyVersion, fromResponse, localeHasErrors, newDraft, shownFields, toRequest, versionErrors,
  type ChannelType, type TemplateDraft, type VersionDraft,
} from "./templateDraft";

const localePattern = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/** A new template (`/templates/new`) or a stored one (`/templates/:id`). */
export function TemplateEditor() {
  const { id } = useParams();
  const stored = useQuery({
    queryKey: ["templates", id],
    queryFn: async () => unwrap(await api.GET("/v1/templates/{id}", { params: { path: { id: id! } } })),
    enabled: id !== undefined,
  });
  if (id === undefined) return <TemplateForm key="new" initial={newDraft()} />;
  if (stored.error) return <><BackLink /><ProblemAlert error={stored.error} /></>;
  if (!stored.data) return <Loader role="status" aria-label="Loading the template" />;
  return <TemplateForm key={id} id={id} initial={fromResponse(stored.data)} />;
}

function BackLink() {
  return <Anchor component={Link} to="/templates" size="sm">← All templates</Anchor>;
}

function TemplateForm({ id, initial }: { id?: string; initial: TemplateDraft }) {
  const navigate = useNavigate();
  const location = useLocation();
  const queries = useQueryClient();
  const [draft, setDraft] = useState(initial);
  const arrived = location.state as { created?: boolean; locale?: string } | null;
  const [active, setActive] = useState(arrived?.locale && initial.locales.includes(arrived.locale) ? arrived.locale : initial.locales[0]!);
  const [newLocale, setNewLocale] = useState("");
  const [newLocaleError, setNewLocaleError] = useState<string>();
  // A template just created arrives here with the navigation's state saying so.
  const [saved, setSaved] = useState(Boolean(arrived?.created));
  const [dirty, setDirty] = useState(false);

  const save = useMutation({
    mutationFn: async (d: TemplateDraft) => {
      const body = toRequest(d);
      return id === undefined
        ? unwrap(await api.POST("/v1/templates", { body }))
        : unwrap(await api.PUT("/v1/templates/{id}", { params: { path: { id } }, body }));
    },
    onSuccess: async (t) => {
      await queries.invalidateQueries({ queryKey: ["templates"] });
      setSaved(true);
      setDirty(false);
      if (id === undefined) {
        // The stored template opens at once, on the tab that was open.
        queries.setQueryData(["templates", t.id], t);
        navigate(`/templates/${t.id}`, { replace: true, state: { created: true, locale: active } });
      }
    },
  });

  const update = (change: Partial<TemplateDraft>) => {
    setSaved(false);
    setDirty(true);
    setDraft((d) => ({ ...d, ...change }));
  };
  const updateVersion = (locale: string, change: Partial<VersionDraft>) => {
    setSaved(false);
    setDirty(true);
    setDraft((d) => ({ ...d, versions: { ...d.versions, [locale]: { ...(d.versions[locale] ?? emptyVersion()), ...change } } }));
  };

  function addLocale(e?: FormEvent) {
    e?.preventDefault();
    const locale = newLocale.trim();
    if (!localePattern.test(locale)) {
      setNewLocaleError("A locale is a language code, optionally with a region: fr, fr-CA, pt-BR.");
      return;
    }
    if (draft.locales.some((l) => l.toLowerCase() === locale.toLowerCase())) {
      setNewLocaleError(`There is already a ${locale} version.`);
      return;
    }
    // The new version starts as a copy of the default one, so its slugs are there to translate around.
    update({
      locales: [...draft.locales, locale],
      versions: { ...draft.versions, [locale]: { ...(draft.versions[draft.defaultLocale] ?? emptyVersion()) } },
    });
    setActive(locale);
    setNewLocale("");
    setNewLocaleError(undefined);
  }

  function removeLocale(locale: string) {
    const versions = { ...draft.versions };
    delete versions[locale];
    update({ locales: draft.locales.filter((l) => l !== locale), versions });
    setActive(draft.defaultLocale);
  }

  function makeDefault(locale: string | null) {
    if (!locale) return;
    update({ defaultLocale: locale, locales: [locale, ...draft.locales.filter((l) => l !== locale)] });
  }

  const error = save.error;
  return (
    <>
      <BackLink />
      <PageHeader
        title={id === undefined ? "New template" : draft.name || "Template"}
        description="The default language is sent when a contact's locale has no version of its own. Put {Slug} placeholders in the text; a send fills them from its context values."
        actions={id !== undefined ? (
          <DeleteButton noun="template" name={draft.name} listKey="templates" listPath="/templates"
            message="A template that outbound configurations use cannot be deleted: the gateway names them."
            remove={async () => unwrap(await api.DELETE("/v1/templates/{id}", { params: { path: { id } } }))} />
        ) : undefined}
      />
      <form onSubmit={(e) => { e.preventDefault(); save.mutate(draft); }} noValidate>
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
          <Stack>
            <TextInput
              label="Name" required value={draft.name} error={fieldError(error, "name")}
              onChange={(e) => update({ name: e.currentTarget.value })}
            />
            <Group align="flex-end" wrap="wrap">
              <Stack gap={4}>
                <Text size="sm" fw={500} id="template-channel-type">Channel type</Text>
                <SegmentedControl
                  role="radiogroup" aria-labelledby="template-channel-type"
                  value={draft.channelType}
                  onChange={(v) => update({ channelType: v as ChannelType })}
                  data={[{ value: "sms", label: "SMS" }, { value: "whatsapp", label: "WhatsApp" }]}
                />
                {fieldError(error, "channelType") ? <Text c="red" size="xs">{fieldError(error, "channelType")}</Text> : null}
              </Stack>
              <Select
                label="Default language" data={draft.locales} value={draft.defaultLocale} onChange={makeDefault}
                allowDeselect={false} error={fieldError(error, "defaultLocale")} w={180}
              />
            </Group>

            <Tabs value={active} onChange={(v) => v && setActive(v)} keepMounted={false}>
              <Tabs.List>
                {draft.locales.map((l) => (
                  <Tabs.Tab key={l} value={l} aria-label={`${l}${l === draft.defaultLocale ? " (default)" : ""}${localeHasErrors(error, l) ? ", has errors" : ""}`}>
                    <Indicator color="red" size={8} offset={-4} disabled={!localeHasErrors(error, l)}>
                      {l === draft.defaultLocale ? `${l} (default)` : l}
                    </Indicator>
                  </Tabs.Tab>
                ))}
              </Tabs.List>
              {draft.locales.map((l) => (
                <Tabs.Panel key={l} value={l} pt="sm">
                  <VersionFields
                    locale={l}
                    channelType={draft.channelType}
                    version={draft.versions[l] ?? emptyVersion()}
                    errors={versionErrors(error, l)}
                    onChange={(change) => updateVersion(l, change)}
                    onRemove={l === draft.defaultLocale ? undefined : () => removeLocale(l)}
                  />
                </Tabs.Panel>
              ))}
            </Tabs>
            {fieldError(error, "versions") ? <Text c="red" size="sm">{fieldError(error, "versions")}</Text> : null}

            <Group align="flex-start" gap="xs" wrap="nowrap">
              <TextInput
                label="Add a localized version" placeholder="fr, fr-CA, pt-BR…" value={newLocale} error={newLocaleError}
                onChange={(e) => { setNewLocale(e.currentTarget.value); setNewLocaleError(undefined); }}
                onKeyDown={(e) => { if (e.key === "Enter") addLocale(e); }}
                style={{ flex: 1 }}
              />
              <Button variant="default" mt={25} onClick={() => addLocale()}>Add locale</Button>
            </Group>

            <ProblemAlert error={error} shown={shownFields(error, draft.locales)} />
            <Group>
              <Button type="submit" loading={save.isPending}>{id === undefined ? "Create template" : "Save template"}</Button>
              <Text size="sm" c="teal.9" aria-live="polite">{saved && !save.isPending ? "Saved." : ""}</Text>
            </Group>
          </Stack>

          <TemplatePreview id={id} draft={draft} locale={active} dirty={dirty} />
        </SimpleGrid>
      </form>
    </>
  );
}

function VersionFields({ locale, channelType, version, errors, onChange, onRemove }: {
  locale: string;
  channelType: ChannelType;
  version: VersionDraft;
  errors: ReturnType<typeof versionErrors>;
  onChange(change: Partial<VersionDraft>): void;
  onRemove?: () => void;
}) {
  const firstInvalid = parseBody(version.body).find((p) => p.kind === "invalid");
  return (
    <Stack gap="sm">
      {errors.version ? <Text c="red" size="sm">{errors.version}</Text> : null}
      {channelType === "sms" ? (
        <>
          <Textarea
            label={`Message text (${locale})`}
            description="Slugs in braces, e.g. {CustomerName}, are filled per contact."
            autosize minRows={4} maxRows={12}
            value={version.body}
            onChange={(e) => onChange({ body: e.currentTarget.value })}
            error={errors.body ?? (firstInvalid && firstInvalid.kind === "invalid" ? firstInvalid.message : undefined)}
          />
          <SlugHighlight label={`Slugs in the ${locale} text`} body={version.body} />
        </>
      ) : (
        <>
          <TextInput
            label={`Content SID (${locale})`} description="The Twilio Content Template: HX and 32 hexadecimal digits."
            placeholder="HX…" value={version.contentSid} error={errors.contentSid}
            onChange={(e) => onChange({ contentSid: e.currentTarget.value })}
          />
          <Paper withBorder p="sm">
            <Title order={3} size="h6" mb="xs">Variables</Title>
            <Text size="xs" c="dimmed" mb="xs">Each content variable ({"{{1}}"}, {"{{2}}"}…) takes the value of a slug.</Text>
            <Stack gap="xs">
              {version.variables.map((v, i) => (
                <Group key={i} gap="xs" align="flex-end" wrap="nowrap">
                  <TextInput
                    label="Variable" value={v.key} w={90}
                    onChange={(e) => onChange({ variables: version.variables.map((x, j) => (j === i ? { ...x, key: e.currentTarget.value } : x)) })}
                  />
                  <TextInput
                    label="Slug" value={v.slug} style={{ flex: 1 }} placeholder="CustomerName"
                    onChange={(e) => onChange({ variables: version.variables.map((x, j) => (j === i ? { ...x, slug: e.currentTarget.value } : x)) })}
                  />
                  <ActionIcon
                    variant="default" size="lg" aria-label={`Remove variable ${v.key || i + 1}`}
                    onClick={() => onChange({ variables: version.variables.filter((_, j) => j !== i) })}
                  >×</ActionIcon>
                </Group>
              ))}
              {errors.variables ? <Text c="red" size="sm">{errors.variables}</Text> : null}
              <Button
                variant="default" size="xs" w="fit-content"
                onClick={() => onChange({ variables: [...version.variables, { key: String(version.variables.length + 1), slug: "" }] })}
              >Add a variable</Button>
            </Stack>
          </Paper>
        </>
      )}
      {onRemove ? (
        <Button variant="subtle" color="red" size="xs" w="fit-content" onClick={onRemove}>Remove the {locale} version</Button>
      ) : null}
    </Stack>
  );
}
