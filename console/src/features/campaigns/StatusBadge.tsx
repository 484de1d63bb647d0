import { Badge } from "@mantine/core";
import { statusColor } from "./progress";

export function StatusBadge({ status }: { status: string }) {
  return <Badge component="span" miw="max-content" variant="dot" color={statusColor[status] ?? "gray"}>{status}</Badge>;
}
