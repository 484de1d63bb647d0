import type { components } from "../../api/schema";
import { ApiError } from "../../api/problem";

export type TemplateResponse = components["schemas"]["TemplateResponse"];
export type TemplateRequest = components["schemas"]["TemplateRequest"];
export type ChannelType = "sms" | "whatsapp";

export interface VariableDraft {
  key: string;
  slug: string;
}

export interface VersionDraft {
  body: string;
  contentSid: string;
  variables: VariableDraft[];
}

/** The editor's state: one version per locale, the default locale's first. */
export interface TemplateDraft {
  name: string;
  channelType: ChannelType;
  defaultLocale: string;
  locales: string[];
  versions: Record<string, VersionDraft>;
}

export const emptyVersion = (): VersionDraft => ({ body: "", contentSid: "", variables: [] });

export function newDraft(): TemplateDraft {
  return { name: "", channelType: "sms", defaultLocale: "en", locales: ["en"], versions: { en: emptyVersion() } };
}

export function fromResponse(t: TemplateResponse): TemplateDraft {
  const others = Object.keys(t.versions).filter((l) => l !== t.defaultLocale).sort();
  const locales = t.defaultLocale in t.versions ? [t.defaultLocale, ...others] : others;
  const versions: Record<string, VersionDraft> = {};
  for (const locale of locales) {
    const v = t.versions[locale]!;
    versions[locale] = {
      body: v.body ?? "",
      contentSid: v.contentSid ?? "",
      variables: Object.entries(v.variables ?? {}).map(([key, slug]) => ({ key, slug })),
    };
  }
  return { name: t.name, channelType: t.channelType, defaultLocale: t.defaultLocale, locales, versions };
}

/** The request body: an SMS version carries only its body, a WhatsApp one only its content SID and variables. */
export function toRequest(d: TemplateDraft): TemplateRequest {
  const versions: TemplateRequest["versions"] = {};
  for (const locale of d.locales) {
    const v = d.versions[locale] ?? emptyVersion();
    versions[locale] = d.channelType === "sms"
      ? { body: v.body }
      : {
          contentSid: v.contentSid.trim(),
          variables: Object.fromEntries(v.variables.filter((x) => x.key.trim() || x.slug.trim()).map((x) => [x.key.trim(), x.slug.trim()])),
        };
  }
  return { name: d.name.trim(), channelType: d.channelType, defaultLocale: d.defaultLocale, versions };
}

/**
 * What the service said about one locale's version: its fields (`versions.fr.body`, `versions.fr.contentSid`,
 * `versions.fr.variables…`) and the version as a whole (`versions.fr`), each matched without regard to case.
 */
export function versionErrors(error: unknown, locale: string): { version?: string; body?: string; contentSid?: string; variables?: string } {
  if (!(error instanceof ApiError)) return {};
  const prefix = `versions.${locale}`.toLowerCase();
  const out: { version?: string; body?: string; contentSid?: string; variables?: string } = {};
  for (const [key, messages] of Object.entries(error.problem.errors ?? {})) {
    const k = key.toLowerCase();
    const text = messages.join(" ");
    if (k === prefix) out.version = join(out.version, text);
    else if (k === `${prefix}.body`) out.body = join(out.body, text);
    else if (k === `${prefix}.contentsid`) out.contentSid = join(out.contentSid, text);
    else if (k.startsWith(`${prefix}.variables`)) out.variables = join(out.variables, text);
  }
  return out;
}

/** Whether the service named any field of this locale's version, so its tab can say so. */
export function localeHasErrors(error: unknown, locale: string): boolean {
  return Object.values(versionErrors(error, locale)).some(Boolean);
}

/** The error keys the editor shows next to a field; the problem alert lists the rest. */
export function shownFields(error: unknown, locales: string[]): string[] {
  const keys = ["name", "channelType", "defaultLocale", "versions"];
  if (error instanceof ApiError) {
    for (const key of Object.keys(error.problem.errors ?? {})) {
      if (locales.some((l) => key.toLowerCase().startsWith(`versions.${l}`.toLowerCase()))) keys.push(key);
    }
  }
  return keys;
}

function join(a: string | undefined, b: string): string {
  return a ? `${a} ${b}` : b;
}
