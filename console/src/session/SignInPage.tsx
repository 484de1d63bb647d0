import { useState, type FormEvent } from "react";
import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, Title } from "@mantine/core";
import { useSession } from "./SessionContext";
import { ApiError, fieldError } from "../api/problem";
import { useAction } from "../components/useAction";

/** Sign-in by API key: the key goes once to POST /v1/session, which answers with an HttpOnly cookie. */
export default function SignInPage() {
  const { signIn } = useSession();
  const [apiKey, setApiKey] = useState("");
  const { busy, error, run } = useAction();

  async function submit(e: FormEvent) {
    e.preventDefault();
    await run(async () => {
      await signIn(apiKey.trim());
    });
  }

  const keyError = fieldError(error, "apiKey");
  return (
    <Center mih="100vh" p="md">
      <Paper component="main" withBorder shadow="sm" p="xl" radius="md" w={420} maw="100%">
        <form onSubmit={submit}>
          <Stack>
            <Title order={1} size="h2">Outbound console</Title>
            <Text c="dimmed" size="sm">
              Sign in with an API key of your org: an admin key to configure and watch, an agent key to answer customers.
            </Text>
            <PasswordInput
              label="API key"
              placeholder="sk_…"
              autoComplete="off"
              required
              value={apiKey}
              onChange={(e) => setApiKey(e.currentTarget.value)}
              error={keyError}
              data-autofocus
            />
            {error instanceof ApiError && !keyError ? (
              <Alert color="red" title={error.problem.title ?? "Sign-in failed"}>{error.problem.detail}</Alert>
            ) : null}
            {error !== undefined && !(error instanceof ApiError) ? (
              <Alert color="red" title="Sign-in failed">The gateway could not be reached.</Alert>
            ) : null}
            <Button type="submit" loading={busy} disabled={apiKey.trim() === ""}>Sign in</Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
