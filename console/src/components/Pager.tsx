import { Button, Group, Text } from "@mantine/core";

/** Previous and next buttons of a cursor-paged list. */
export function Pager({ pageNumber, hasPrevious, hasNext, previous, next, isFetching }: {
  pageNumber: number; hasPrevious: boolean; hasNext: boolean; previous(): void; next(): void; isFetching?: boolean;
}) {
  if (!hasPrevious && !hasNext) return null;
  return (
    <Group justify="flex-end" mt="sm" gap="sm">
      <Text size="sm" c="dimmed" aria-live="polite">Page {pageNumber}</Text>
      <Button variant="default" size="xs" onClick={previous} disabled={!hasPrevious || isFetching}>Previous page</Button>
      <Button variant="default" size="xs" onClick={next} disabled={!hasNext || isFetching}>Next page</Button>
    </Group>
  );
}
