import { Suspense } from "react";
import { NavLink as RouterLink, Outlet, useLocation } from "react-router";
import { AppShell, Burger, Button, Group, Loader, NavLink, ScrollArea, Stack, Text, Title } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useSession, useSignedIn } from "../session/SessionContext";
import { navigationFor } from "./navigation";

/** The signed-in frame: the navigation for the session's scope and the page. */
export function Shell() {
  const session = useSignedIn();
  const { signOut } = useSession();
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  const sections = navigationFor(session);

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 240, breakpoint: "sm", collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Title order={2} size="h4">Outbound</Title>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Text size="sm" c="dimmed" visibleFrom="xs">{session.scope === "admin" ? "Admin" : "Agent"}</Text>
            <Button variant="default" size="xs" onClick={() => void signOut()}>Sign out</Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main">
        <ScrollArea>
          <Stack gap="xs">
            {sections.map((section) => (
              <div key={section.label}>
                <Text size="xs" fw={700} c="dimmed" tt="uppercase" px="sm" py={4}>{section.label}</Text>
                {section.items.map((item) => (
                  <NavLink
                    key={item.path}
                    component={RouterLink}
                    to={item.path}
                    label={item.label}
                    active={location.pathname === item.path || location.pathname.startsWith(item.path + "/")}
                    onClick={close}
                  />
                ))}
              </div>
            ))}
          </Stack>
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>
        <Suspense fallback={<Loader role="status" aria-label="Loading" />}>
          <Outlet />
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}
