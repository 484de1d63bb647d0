/** The search form as the user filled it: empty strings are filters not set. */
export interface SearchForm {
  number: string;
  status: string;
  configurationId: string;
  /** `datetime-local` values: the browser's local time, without an offset. */
  from: string;
  until: string;
}

export const emptySearch: SearchForm = { number: "", status: "", configurationId: "", from: "", until: "" };

/** The query of `GET /v1/messages` for the form: local times become UTC instants; a number loses its spaces. */
export function toSearchQuery(form: SearchForm): { number?: string; status?: string; configurationId?: string; from?: string; until?: string } {
  const query: Record<string, string> = {};
  const number = form.number.replace(/[\s().-]/g, "");
  if (number) query.number = number;
  if (form.status) query.status = form.status;
  if (form.configurationId) query.configurationId = form.configurationId;
  for (const key of ["from", "until"] as const) {
    const value = form[key];
    if (!value) continue;
    const at = new Date(value);
    // An unparseable time goes as typed: the API answers with a problem naming the field.
    query[key] = Number.isNaN(at.getTime()) ? value : at.toISOString();
  }
  return query;
}
