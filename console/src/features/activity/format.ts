/** A time in the browser's locale, to the second: activity is read to the second. */
export function formatTime(at: string | null | undefined): string {
  if (!at) return "";
  return new Date(at).toLocaleString([], { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" });
}
