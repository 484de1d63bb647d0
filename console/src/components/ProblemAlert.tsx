import { Alert, List } from "@mantine/core";
import { ApiError } from "../api/problem";

/**
 * The problem of a failed call, for what no field shows: its title and detail, and the messages of fields
 * not in <paramref name="shown"/> (those appear next to their inputs).
 */
export function ProblemAlert({ error, shown = [] }: { error: unknown; shown?: string[] }) {
  if (!error) return null;
  if (!(error instanceof ApiError)) {
    return <Alert color="red" title="Something went wrong" role="alert">{String((error as Error).message ?? error)}</Alert>;
  }
  const others = error.otherErrors(shown);
  const allShown = error.problem.errors && others.length === 0;
  if (allShown) return null;
  return (
    <Alert color="red" title={error.problem.title ?? "The request failed"} role="alert">
      {error.problem.detail}
      {others.length > 0 ? (
        <List size="sm" mt="xs">{others.map((m) => <List.Item key={m}>{m}</List.Item>)}</List>
      ) : null}
    </Alert>
  );
}
