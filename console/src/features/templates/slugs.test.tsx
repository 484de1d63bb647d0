import { describe, expect, it } from "vitest";
import { render } from "@testing-library/react";
import { MantineProvider } from "@mantine/core";
import { fillSlugs, parseBody, slugsOf } from "../../components/slugs";
import { SlugHighlight } from "./SlugHighlight";

describe("parseBody", () => {
  it("splits text and slugs", () => {
    expect(parseBody("Hi {CustomerName}, case {CaseName}.")).toEqual([
      { kind: "text", text: "Hi " },
      { kind: "slug", text: "{CustomerName}", name: "CustomerName" },
      { kind: "text", text: ", case " },
      { kind: "slug", text: "{CaseName}", name: "CaseName" },
      { kind: "text", text: "." },
    ]);
  });

  it("marks an unclosed brace and goes on after it", () => {
    const parts = parseBody("Hi {Name, then {Case}");
    expect(parts.map((p) => p.kind)).toEqual(["text", "invalid", "slug"]);
    expect(parts[1]!.text).toBe("{Name, then ");
  });

  it("marks a stray closing brace, an empty slug and a name with a space", () => {
    expect(parseBody("a } b {} c {Customer name}").filter((p) => p.kind === "invalid").map((p) => p.text))
      .toEqual(["}", "{}", "{Customer name}"]);
  });

  it("refuses a slug name that starts with a digit", () => {
    expect(parseBody("{1st}")[0]!.kind).toBe("invalid");
  });
});

describe("slugsOf", () => {
  it("lists each slug once, names differing only in case being one", () => {
    expect(slugsOf("{Name} {name} {Case} {NAME}")).toEqual(["Name", "Case"]);
  });
});

describe("fillSlugs", () => {
  it("fills slugs whatever the case of the value's key, and lists those without a value", () => {
    expect(fillSlugs("Hi {CustomerName}, {CaseName}", { customername: "Ana", CaseName: "" }))
      .toEqual({ text: "Hi Ana, {CaseName}", missing: ["CaseName"] });
  });

  it("inserts values literally", () => {
    expect(fillSlugs("{A}", { A: "{B}" }).text).toBe("{B}");
  });
});

describe("SlugHighlight", () => {
  it("marks each slug and underlines what the service would refuse, with the reason", () => {
    const { container } = render(
      <MantineProvider><SlugHighlight label="Highlighted" body="Hi {CustomerName}, {Case name}" /></MantineProvider>,
    );
    const marks = container.querySelectorAll("mark");
    expect([...marks].map((m) => m.textContent)).toEqual(["{CustomerName}"]);
    const invalid = container.querySelector("[data-invalid]");
    expect(invalid).toHaveTextContent("{Case name}");
    expect(invalid).toHaveAttribute("title", expect.stringContaining("not a slug name"));
  });
});
