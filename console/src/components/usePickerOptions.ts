import { useInfiniteQuery } from "@tanstack/react-query";
import type { Page } from "./useCursorPages";

export interface PickerOption {
  value: string;
  label: string;
}

/**
 * The choices of a picker (a configuration, channels, queues), read a page at a time: the first page at once, the
 * next ones when the user asks for more, so a picker never loads a whole list.
 */
export function usePickerOptions<T>(
  key: readonly unknown[],
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
  toOption: (item: T) => PickerOption,
  selected: readonly string[] = [],
) {
  const query = useInfiniteQuery({
    queryKey: [...key, "picker"],
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const options = (query.data?.pages ?? []).flatMap((p) => p.items.map(toOption));
  // A value chosen earlier but not on the pages read so far still shows, by its id.
  const known = new Set(options.map((o) => o.value));
  for (const value of selected) {
    if (value && !known.has(value)) options.push({ value, label: value });
  }
  return {
    options,
    isLoading: query.isLoading,
    error: query.error,
    hasMore: query.hasNextPage,
    loadingMore: query.isFetchingNextPage,
    loadMore: () => void query.fetchNextPage(),
  };
}
