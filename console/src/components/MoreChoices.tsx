import { Button } from "@mantine/core";

/** Under a picker whose list has more pages: reads the next one into the choices. */
export function MoreChoices({ picker, what }: { picker: { hasMore: boolean; loadingMore: boolean; loadMore(): void }; what: string }) {
  if (!picker.hasMore) return null;
  return (
    <Button variant="subtle" size="compact-xs" onClick={picker.loadMore} loading={picker.loadingMore}>
      Show more {what}
    </Button>
  );
}
