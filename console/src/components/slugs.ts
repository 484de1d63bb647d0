/** A piece of an SMS body as the editor shows it: plain text, a `{Slug}`, or text the service would refuse. */
export type BodyPart =
  | { kind: "text"; text: string }
  | { kind: "slug"; text: string; name: string }
  | { kind: "invalid"; text: string; message: string };

const slugName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Whether `name` may name a slug: a letter or `_`, then letters, digits and `_` (the service's rule). */
export function isSlugName(name: string): boolean {
  return slugName.test(name);
}

/**
 * Splits a body into text, slugs and invalid pieces, going on past an error so the whole body can be highlighted.
 * The messages say what the service would answer: every `{` opens a slug and every `}` closes one.
 */
export function parseBody(body: string): BodyPart[] {
  const parts: BodyPart[] = [];
  let literal = "";
  const flush = () => {
    if (literal) parts.push({ kind: "text", text: literal });
    literal = "";
  };
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (c === "}") {
      flush();
      parts.push({ kind: "invalid", text: c, message: "A '}' closes no slug." });
      i++;
      continue;
    }
    if (c !== "{") {
      literal += c;
      i++;
      continue;
    }
    flush();
    const close = body.indexOf("}", i + 1);
    const nested = body.indexOf("{", i + 1);
    if (close < 0 || (nested >= 0 && nested < close)) {
      // Up to the next '{' (which starts over) or the end: the unclosed brace and what it swallowed.
      const end = nested >= 0 ? nested : body.length;
      parts.push({ kind: "invalid", text: body.slice(i, end), message: "A '{' has no closing '}'." });
      i = end;
      continue;
    }
    const name = body.slice(i + 1, close);
    const text = body.slice(i, close + 1);
    if (name === "") {
      parts.push({ kind: "invalid", text, message: "A slug needs a name, e.g. {CustomerName}." });
    } else if (!isSlugName(name)) {
      parts.push({ kind: "invalid", text, message: `'${name}' is not a slug name: it starts with a letter or '_' and has only letters, digits and '_'.` });
    } else {
      parts.push({ kind: "slug", text, name });
    }
    i = close + 1;
  }
  flush();
  return parts;
}

/** The distinct slug names of a body in order of first appearance; names that differ only in case are one slug. */
export function slugsOf(body: string): string[] {
  const seen = new Map<string, string>();
  for (const part of parseBody(body)) {
    if (part.kind === "slug" && !seen.has(part.name.toLowerCase())) seen.set(part.name.toLowerCase(), part.name);
  }
  return [...seen.values()];
}

/** The value of a slug from values keyed without regard to case, as the service matches them; blank counts as none. */
export function valueOf(values: Record<string, string>, slug: string): string | undefined {
  const exact = values[slug];
  if (exact) return exact;
  const key = Object.keys(values).find((k) => k.toLowerCase() === slug.toLowerCase() && values[k]);
  return key === undefined ? undefined : values[key];
}

/** The body with each slug that has a value filled in; slugs without one stay as written and are listed. */
export function fillSlugs(body: string, values: Record<string, string>): { text: string; missing: string[] } {
  const missing: string[] = [];
  let text = "";
  for (const part of parseBody(body)) {
    if (part.kind !== "slug") {
      text += part.text;
      continue;
    }
    const value = valueOf(values, part.name);
    if (value === undefined) {
      if (!missing.some((m) => m.toLowerCase() === part.name.toLowerCase())) missing.push(part.name);
      text += part.text;
    } else {
      text += value;
    }
  }
  return { text, missing };
}
