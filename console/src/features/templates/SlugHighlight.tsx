import { useId } from "react";
import { Box, Mark, Text } from "@mantine/core";
import { parseBody } from "../../components/slugs";

/**
 * An SMS body with its `{Slug}` placeholders marked, and pieces the service would refuse underlined in red with
 * the reason as a tooltip title, so a typo in a slug shows before saving.
 */
export function SlugHighlight({ body, label }: { body: string; label: string }) {
  const parts = parseBody(body);
  const labelId = useId();
  return (
    <Box>
      <Text size="xs" c="dimmed" id={labelId}>{label}</Text>
      <Box
        aria-labelledby={labelId}
        role="group"
        p="xs"
        bd="1px solid var(--mantine-color-default-border)"
        style={{ borderRadius: "var(--mantine-radius-sm)", whiteSpace: "pre-wrap", overflowWrap: "anywhere", minHeight: 36 }}
        fz="sm"
      >
        {parts.length === 0 ? <Text span c="dimmed" fz="sm">Empty</Text> : parts.map((part, i) =>
          part.kind === "slug" ? (
            <Mark key={i} color="blue" data-slug={part.name} px={2} style={{ borderRadius: 3 }}>{part.text}</Mark>
          ) : part.kind === "invalid" ? (
            <Text key={i} span c="red.8" td="underline" data-invalid title={part.message} fz="sm">{part.text}</Text>
          ) : (
            <span key={i}>{part.text}</span>
          ),
        )}
      </Box>
    </Box>
  );
}
