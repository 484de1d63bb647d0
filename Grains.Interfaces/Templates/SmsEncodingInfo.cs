namespace Outbound.Templates;

/// <summary>How an SMS text is encoded and how many segments it takes.</summary>
/// <param name="Encoding"><see cref="SmsEncoding.Gsm7"/> (<c>GSM-7</c>) or <see cref="SmsEncoding.Ucs2"/> (<c>UCS-2</c>).</param>
/// <param name="Segments">How many message segments the text takes; 0 for empty text.</param>
/// <param name="Units">GSM-7: septets (an extension character counts 2); UCS-2: UTF-16 code units.</param>
public readonly record struct SmsEncodingInfo(string Encoding, int Segments, int Units);
