/** How an SMS text goes over the air: its encoding, how many segments it takes, and its size in encoding units. */
export interface SmsEncodingInfo {
  encoding: "GSM-7" | "UCS-2";
  segments: number;
  /** GSM-7: septets (an extension character counts 2); UCS-2: UTF-16 code units. */
  units: number;
}

// The same rules as the service's SmsEncoding (3GPP TS 23.038 default alphabet and its extension table), so the
// editor's count matches what a send reports without a round trip per keystroke.
const basicAlphabet =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const extensionTable = "\f^{}\\[~]|€";

const costs = new Map<string, number>();
for (const c of basicAlphabet) costs.set(c, 1);
for (const c of extensionTable) costs.set(c, 2);

/** Septets of one UTF-16 code unit in GSM-7, or 0 when the alphabet lacks it. */
function septetCost(unit: string): number {
  return costs.get(unit) ?? 0;
}

/** The encoding and segment count of an SMS text, counted as carriers count them. Empty text takes 0 segments. */
export function analyzeSms(text: string): SmsEncodingInfo {
  let septets = 0;
  for (let i = 0; i < text.length; i++) {
    const cost = septetCost(text[i]!);
    if (cost === 0) return analyzeUcs2(text);
    septets += cost;
  }
  return { encoding: "GSM-7", segments: gsm7Segments(text, septets), units: septets };
}

function gsm7Segments(text: string, septets: number): number {
  if (septets === 0) return 0;
  if (septets <= 160) return 1;
  // A concatenated segment holds 153 septets; an escape pair moves whole to the next segment.
  let segments = 1;
  let used = 0;
  for (let i = 0; i < text.length; i++) {
    const cost = septetCost(text[i]!);
    if (used + cost > 153) {
      segments++;
      used = 0;
    }
    used += cost;
  }
  return segments;
}

function analyzeUcs2(text: string): SmsEncodingInfo {
  if (text.length <= 70) return { encoding: "UCS-2", segments: 1, units: text.length };
  // A concatenated segment holds 67 units; a surrogate pair moves whole to the next segment.
  let segments = 1;
  let used = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
    const size = code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
    if (used + size > 67) {
      segments++;
      used = 0;
    }
    used += size;
    i += size - 1;
  }
  return { encoding: "UCS-2", segments, units: text.length };
}
