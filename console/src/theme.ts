import { createTheme, type CSSVariablesResolver } from "@mantine/core";

export const theme = createTheme({
  primaryColor: "blue",
  // Shade 8 of blue on white, and gray 7 for dimmed text, pass WCAG AA contrast (axe checks it in the browser tests).
  primaryShade: 8,
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
});

export const cssVariables: CSSVariablesResolver = () => ({
  variables: {},
  // Red 9 for errors (red 6 is under 4.5:1 on white); blue 9 on blue 1 for light variants such as the active nav
  // link, whose default hover background takes its text under 4.5:1.
  light: {
    "--mantine-color-dimmed": "var(--mantine-color-gray-7)",
    "--mantine-color-error": "var(--mantine-color-red-9)",
    "--mantine-primary-color-light-color": "var(--mantine-color-blue-9)",
    "--mantine-primary-color-light-hover": "var(--mantine-color-blue-1)",
  },
  dark: {},
});
