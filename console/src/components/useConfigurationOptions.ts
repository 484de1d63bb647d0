import { useQuery } from "@tanstack/react-query";
import { api, unwrap } from "../api/client";

/**
 * The org's outbound configurations as filter choices (id → name). One page of the largest size the API gives:
 * an org has tens of configurations, not thousands; a configuration past it is still found by its id.
 */
export function useConfigurationOptions() {
  const query = useQuery({
    queryKey: ["configurations", "options"],
    queryFn: async () => unwrap(await api.GET("/v1/outbound-configurations", { params: { query: { limit: 200 } } })),
    staleTime: 60_000,
  });
  const items = query.data?.items ?? [];
  return {
    options: items.map((c) => ({ value: c.configurationId, label: c.name })),
    nameOf: (id: string | null | undefined) => (id ? items.find((c) => c.configurationId === id)?.name : undefined),
    error: query.error,
  };
}
