import { Badge, type BadgeProps } from "@mantine/core";
import { statusStyle } from "./messageStatus";

/**
 * A message status as a badge: a coloured dot and dark text, since several status colours (yellow, orange, teal)
 * are too light for text on white.
 */
export function StatusBadge({ status, children, ...props }: { status: string } & BadgeProps) {
  const style = statusStyle(status);
  return <Badge variant="dot" color={style.color} {...props}>{children ?? style.label}</Badge>;
}
