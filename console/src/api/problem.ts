/** An RFC 9457 problem as the gateway returns it; `errors` names the fields of a validation problem. */
export interface Problem {
  type?: string | null;
  title?: string | null;
  status?: number | null;
  detail?: string | null;
  errors?: Record<string, string[]>;
}

/** A failed API call: its status and the problem the gateway described. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(status: number, problem: Problem | undefined) {
    const p = problem ?? {};
    super(p.detail ?? p.title ?? `The request failed (${status}).`);
    this.status = status;
    this.problem = p;
  }

  /** The messages for one field, matched without regard to case, as the gateway names fields in JSON casing. */
  fieldError(field: string): string | undefined {
    const errors = this.problem.errors ?? {};
    const key = Object.keys(errors).find((k) => k.toLowerCase() === field.toLowerCase());
    return key ? errors[key]?.join(" ") : undefined;
  }

  /** Messages of fields that no form input shows, e.g. `contacts[0].tocontactid`. */
  otherErrors(shown: string[]): string[] {
    const known = new Set(shown.map((s) => s.toLowerCase()));
    return Object.entries(this.problem.errors ?? {})
      .filter(([k]) => !known.has(k.toLowerCase()))
      .flatMap(([k, v]) => v.map((m) => (k ? `${k}: ${m}` : m)));
  }
}

/** The error of one field of a form, if the last call failed naming it. */
export function fieldError(error: unknown, field: string): string | undefined {
  return error instanceof ApiError ? error.fieldError(field) : undefined;
}
