import { describe, expect, it } from "vitest";
import { analyzeSms } from "./smsEncoding";

// The cases the service's own encoding tests pin, so the editor's live count agrees with a send.
const alphabet =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const emoji = "😀";

describe("analyzeSms", () => {
  it.each([[1, 1], [160, 1], [161, 2], [306, 2], [307, 3], [459, 3], [460, 4]])(
    "counts %i GSM-7 characters as %i segments", (length, segments) => {
      expect(analyzeSms("a".repeat(length))).toEqual({ encoding: "GSM-7", segments, units: length });
    });

  it.each([[1, 1], [70, 1], [71, 2], [134, 2], [135, 3], [201, 3], [202, 4]])(
    "counts %i UCS-2 characters as %i segments", (length, segments) => {
      expect(analyzeSms("Ж".repeat(length))).toEqual({ encoding: "UCS-2", segments, units: length });
    });

  it("treats the whole default alphabet as GSM-7", () => {
    expect(analyzeSms(alphabet)).toEqual({ encoding: "GSM-7", segments: 1, units: 127 });
  });

  it("counts each extension character as two septets", () => {
    expect(analyzeSms("\f^{}\\[~]|€")).toEqual({ encoding: "GSM-7", segments: 1, units: 20 });
  });

  it("lets an extension character push a text past one segment", () => {
    expect(analyzeSms("a".repeat(159) + "€")).toEqual({ encoding: "GSM-7", segments: 2, units: 161 });
  });

  it("moves an escape pair at a segment boundary to the next segment", () => {
    expect(analyzeSms("a".repeat(152) + "€" + "a".repeat(152))).toEqual({ encoding: "GSM-7", segments: 3, units: 306 });
  });

  it("keeps an escape pair that ends exactly at a segment boundary", () => {
    expect(analyzeSms("a".repeat(151) + "€" + "a".repeat(153))).toEqual({ encoding: "GSM-7", segments: 2, units: 306 });
  });

  it("counts an emoji as two UCS-2 units", () => {
    expect(analyzeSms(emoji)).toEqual({ encoding: "UCS-2", segments: 1, units: 2 });
  });

  it("does not split a surrogate pair across segments", () => {
    expect(analyzeSms("Ж".repeat(66) + emoji + "Ж".repeat(66))).toEqual({ encoding: "UCS-2", segments: 3, units: 134 });
  });

  it("keeps a surrogate pair that ends exactly at a segment boundary", () => {
    expect(analyzeSms("Ж".repeat(65) + emoji + "Ж".repeat(67))).toEqual({ encoding: "UCS-2", segments: 2, units: 134 });
  });

  it("turns the whole text UCS-2 for one character outside the alphabet", () => {
    expect(analyzeSms("a".repeat(150) + "你")).toEqual({ encoding: "UCS-2", segments: 3, units: 151 });
  });

  it.each(["`", "ç", "’", "—", "α", "\t"])("treats %j as outside the GSM-7 alphabet", (c) => {
    expect(analyzeSms("Hello " + c).encoding).toBe("UCS-2");
  });

  it("gives empty text zero segments", () => {
    expect(analyzeSms("")).toEqual({ encoding: "GSM-7", segments: 0, units: 0 });
  });
});
