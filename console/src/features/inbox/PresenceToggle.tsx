import { useState } from "react";
import { Group, Loader, Switch, Text } from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError } from "../../api/problem";
import { getMe, inboxKeys, setPresence, type Presence } from "./api";

const words: Record<Presence, string> = {
  available: "New conversations come to you.",
  busy: "Busy: you keep your conversations; no new ones come.",
  away: "Away: you keep your conversations; no new ones come.",
  offline: "Offline: switch on to take conversations.",
};

/** Available or away: only an available agent is given new conversations. */
export function PresenceToggle() {
  const queries = useQueryClient();
  const me = useQuery({ queryKey: inboxKeys.me, queryFn: getMe });
  const [error, setError] = useState<string>();
  const change = useMutation({
    mutationFn: setPresence,
    onMutate: () => setError(undefined),
    onSuccess: (agent) => queries.setQueryData(inboxKeys.me, agent),
    onError: (e) => setError(e instanceof ApiError ? e.fieldError("status") ?? e.message : "The presence could not be changed."),
  });

  if (me.isLoading) return <Loader size="xs" aria-label="Loading your presence" />;
  if (!me.data) return <Text size="sm" c="red">{me.error instanceof Error ? me.error.message : "Your presence is unknown."}</Text>;
  const presence = change.isPending && change.variables ? change.variables : me.data.presence;
  return (
    <Group gap="xs" wrap="nowrap" align="center">
      <Switch
        label="Available"
        description={words[presence]}
        checked={presence === "available"}
        disabled={change.isPending}
        onChange={(e) => change.mutate(e.currentTarget.checked ? "available" : "away")}
        error={error}
        size="md"
        styles={{ description: { maxWidth: 260 } }}
      />
      {change.isPending ? <Loader size="xs" aria-label="Saving your presence" /> : null}
    </Group>
  );
}
