import { createTheme } from "@mantine/core";

// Blue 7 on white passes WCAG AA contrast for text and buttons (axe checks it in the browser tests).
export const theme = createTheme({
  primaryColor: "blue",
  primaryShade: 8,
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
});
