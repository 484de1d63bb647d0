import { api, unwrap } from "../api/client";
import { usePickerOptions } from "./usePickerOptions";

const pageSize = 200;
// Listing campaigns reads each one's progress from the reports: a picker asks for fewer at a time.
const campaignPageSize = 50;

/** The org's outbound configurations as picker choices (name, with "inactive" when it is). */
export function useConfigurationOptions(selected: readonly string[] = []) {
  return usePickerOptions(
    ["outbound-configurations"],
    async (cursor) => unwrap(await api.GET("/v1/outbound-configurations", { params: { query: { limit: pageSize, cursor } } })),
    (c) => ({ value: c.configurationId, label: c.active ? c.name : `${c.name} (inactive)` }),
    selected,
  );
}

/** The org's channels as picker choices. */
export function useChannelOptions(selected: readonly string[] = []) {
  return usePickerOptions(
    ["channels"],
    async (cursor) => unwrap(await api.GET("/v1/channels", { params: { query: { limit: pageSize, cursor } } })),
    (c) => ({ value: c.id, label: `${c.name} (${c.type === "whatsapp" ? "WhatsApp" : "SMS"})` }),
    selected,
  );
}

/** The org's queues as picker choices. */
export function useQueueOptions(selected: readonly string[] = []) {
  return usePickerOptions(
    ["queues"],
    async (cursor) => unwrap(await api.GET("/v1/queues", { params: { query: { limit: pageSize, cursor } } })),
    (q) => ({ value: q.id, label: q.name }),
    selected,
  );
}

/** The org's campaigns as picker choices. */
export function useCampaignOptions(selected: readonly string[] = []) {
  return usePickerOptions(
    ["campaigns"],
    async (cursor) => unwrap(await api.GET("/v1/campaigns", { params: { query: { limit: campaignPageSize, cursor } } })),
    (c) => ({ value: c.id, label: `${c.name} (${c.status})` }),
    selected,
  );
}
