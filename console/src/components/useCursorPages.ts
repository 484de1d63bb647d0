import { useState } from "react";
import { keepPreviousData, useQuery } from "@tanstack/react-query";

/** A page of a list as every list endpoint of the API returns it. */
export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

/**
 * One page of a cursor-paged list at a time, with next and previous: the API pages every list, so the console
 * never loads a whole one (an org may have 100,000 messages).
 */
export function useCursorPages<T>(key: readonly unknown[], fetchPage: (cursor: string | undefined) => Promise<Page<T>>) {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const query = useQuery({
    queryKey: [...key, "page", cursor ?? ""],
    queryFn: () => fetchPage(cursor),
    placeholderData: keepPreviousData,
  });
  const nextCursor = query.data?.nextCursor ?? undefined;
  return {
    items: query.data?.items ?? [],
    isLoading: query.isLoading,
    isFetching: query.isFetching,
    error: query.error,
    pageNumber: cursors.length,
    hasNext: nextCursor !== undefined,
    hasPrevious: cursors.length > 1,
    next: () => nextCursor && setCursors((c) => [...c, nextCursor]),
    previous: () => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)),
    /** Back to the first page, e.g. after the filters changed. */
    reset: () => setCursors([undefined]),
    refetch: query.refetch,
  };
}
