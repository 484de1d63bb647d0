import { createTheme, type CSSVariablesResolver } from "@mantine/core";

export const theme = createTheme({
  primaryColor: "blue",
  // Shade 8 of blue on white, and gray 7 for dimmed text, pass WCAG AA contrast (axe checks it in the browser tests).
  primaryShade: 8,
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
});

export const cssVariables: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    "--mantine-color-dimmed": "var(--mantine-color-gray-7)",
    // Light variants (active navigation link, light badges and buttons) draw text in shade 9 on their tint: AA contrast.
    "--mantine-primary-color-light-color": "var(--mantine-color-blue-9)",
    // The active navigation link keeps its tint under the pointer, where a darker one would fail contrast.
    "--mantine-primary-color-light-hover": "var(--mantine-primary-color-light)",
    ...Object.fromEntries(["blue", "teal", "orange", "red", "violet", "gray", "green"].map((c) => [`--mantine-color-${c}-light-color`, `var(--mantine-color-${c}-9)`])),
  },
  dark: {},
});
