import type { ReactNode } from "react";
import { Loader, Table, Text } from "@mantine/core";
import { Pager } from "./Pager";
import { ProblemAlert } from "./ProblemAlert";
import type { useCursorPages } from "./useCursorPages";

/** A column of a list: its header and what a row shows in it. */
export interface Column<T> {
  header: ReactNode;
  cell: (item: T) => ReactNode;
  width?: string;
}

/**
 * A page of a list as a table, with its problem, its loading state, a line for an empty list and the pager: every
 * list of the console looks and behaves the same, one page of the API at a time.
 */
export function PagedTable<T>({ pages, columns, rowKey, empty, loadingLabel, minWidth = 640 }: {
  pages: ReturnType<typeof useCursorPages<T>>;
  columns: Column<T>[];
  rowKey: (item: T) => string;
  /** What an empty list says, e.g. what to create first. */
  empty: ReactNode;
  loadingLabel: string;
  minWidth?: number;
}) {
  // An empty list is a line, not an empty table: a table wider than a phone scrolls, and a scrolling region with
  // nothing to focus in it cannot be reached from the keyboard.
  const isEmpty = !pages.isLoading && !pages.error && pages.items.length === 0;
  return (
    <>
      <ProblemAlert error={pages.error} />
      {isEmpty ? <Text c="dimmed" size="sm">{empty}</Text> : (
        <Table.ScrollContainer minWidth={minWidth}>
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                {columns.map((c, i) => <Table.Th key={i} w={c.width}>{c.header}</Table.Th>)}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {pages.items.map((item) => (
                <Table.Tr key={rowKey(item)}>
                  {columns.map((c, i) => <Table.Td key={i}>{c.cell(item)}</Table.Td>)}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {pages.isLoading ? <Loader role="status" aria-label={loadingLabel} /> : null}
      <Pager {...pages} />
    </>
  );
}
