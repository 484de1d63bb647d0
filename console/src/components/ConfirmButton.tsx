import { useState, type ReactNode } from "react";
import { Button, Group, Modal, Stack, Text, type ButtonProps } from "@mantine/core";
import { ProblemAlert } from "./ProblemAlert";
import { useAction } from "./useAction";

/**
 * A button for an action that cannot be undone (revoke, delete, cancel): it asks first, runs the action with
 * progress on the confirm button, and shows the API's problem in the dialog if it fails.
 */
export function ConfirmButton({ label, title, message, confirmLabel, onConfirm, buttonProps }: {
  label: ReactNode;
  title: string;
  message: ReactNode;
  confirmLabel: string;
  onConfirm(): Promise<unknown>;
  buttonProps?: ButtonProps & { "aria-label"?: string };
}) {
  const [opened, setOpened] = useState(false);
  const { busy, error, setError, run } = useAction();

  async function confirm() {
    await run(async () => {
      await onConfirm();
      setOpened(false);
    });
  }

  return (
    <>
      <Button color="red" variant="light" size="xs" {...buttonProps} onClick={() => { setError(undefined); setOpened(true); }}>{label}</Button>
      <Modal opened={opened} closeButtonProps={{ "aria-label": "Close" }} onClose={() => setOpened(false)} title={title} centered>
        <Stack>
          <Text size="sm">{message}</Text>
          <ProblemAlert error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpened(false)}>Keep it</Button>
            <Button color="red" loading={busy} onClick={() => void confirm()}>{confirmLabel}</Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
