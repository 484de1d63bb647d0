import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from "@mantine/core";

/** A new API key, shown in the one answer that carries it: only its hash is stored, so it cannot be shown again. */
export interface NewKey {
  name: string;
  scope: string;
  key: string;
}

/** The modal that shows a key just created, with a copy button; closing it forgets the key. */
export function ShownOnceKey({ created, onClose }: { created: NewKey | undefined; onClose(): void }) {
  return (
    <Modal opened={created !== undefined} closeButtonProps={{ "aria-label": "Close" }} onClose={onClose} title="Copy the new API key now" size="lg" centered>
      {created ? (
        <Stack>
          <Alert color="yellow" styles={{ title: { color: "var(--mantine-color-text)" } }} title="You will not see it again">
            Only a hash of the key is stored: once this window is closed, nobody can show the key again. Copy it
            into the system that uses it; if it is lost, create a new key and revoke this one.
          </Alert>
          <Text size="sm">
            <b>{created.name}</b> ({created.scope})
          </Text>
          <Code block data-testid="new-api-key" style={{ wordBreak: "break-all", whiteSpace: "pre-wrap" }}>{created.key}</Code>
          <Group justify="flex-end">
            <CopyButton value={created.key}>
              {({ copied, copy }) => (
                <Button color={copied ? "teal" : undefined} onClick={copy}>{copied ? "Copied" : "Copy the key"}</Button>
              )}
            </CopyButton>
            <Button variant="default" onClick={onClose}>I have copied it</Button>
          </Group>
        </Stack>
      ) : null}
    </Modal>
  );
}
