namespace Outbound.ProviderFake.Handset;

/// <summary>
/// <c>GET /</c>: a customer's phone in the browser, for trying the platform without curl. It shows what the fake
/// delivered to a number (the ledger) and replies as that customer through the channel's inbound webhook URL
/// (the URL an admin would give Twilio), with <c>POST /_inbound/twilio</c>.
/// </summary>
public static class HandsetPage
{
    public static void MapHandset(this IEndpointRouteBuilder app) =>
        app.MapGet("/", () => Results.Content(Html, "text/html; charset=utf-8"));

    private const string Html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Provider fake: a customer's phone</title>
        <style>
          body { font: 15px system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; color: #1a1a1a; }
          label { display: block; margin-top: .75rem; font-weight: 600; }
          input, textarea { width: 100%; box-sizing: border-box; padding: .4rem; font: inherit; }
          button { margin-top: .75rem; padding: .5rem 1rem; font: inherit; }
          li { margin: .5rem 0; padding: .5rem; background: #eef3fb; border-radius: .4rem; list-style: none; }
          ul { padding: 0; } small { color: #4a4a4a; }
        </style>
        </head>
        <body>
        <h1>A customer's phone</h1>
        <p>The provider fake's handset: what the platform sent to a number, and a reply from it. Copy the channel's
        inbound webhook URL from the console's Channels page (as you would give it to Twilio).</p>
        <form id="reply">
          <label for="number">The customer's number</label>
          <input id="number" required placeholder="+14155550100">
          <label for="to">The channel's number (whatsapp: numbers too)</label>
          <input id="to" required placeholder="+14155550199">
          <label for="webhook">The channel's inbound webhook URL</label>
          <input id="webhook" required placeholder="http://127.0.0.1:8080/v1/callbacks/twilio/inbound?channel=…">
          <label for="body">Message</label>
          <textarea id="body" rows="3" required></textarea>
          <button type="submit">Send as the customer</button>
          <p id="result" role="status"></p>
        </form>
        <h2>Messages this number received</h2>
        <ul id="inbox"></ul>
        <script>
          const $ = (id) => document.getElementById(id);
          for (const id of ["number", "to", "webhook"]) {
            $(id).value = localStorage.getItem("handset." + id) ?? "";
            $(id).addEventListener("change", () => localStorage.setItem("handset." + id, $(id).value));
          }
          $("reply").addEventListener("submit", async (e) => {
            e.preventDefault();
            const channel = $("to").value.trim();
            const from = channel.startsWith("whatsapp:") ? "whatsapp:" + $("number").value.trim() : $("number").value.trim();
            const r = await fetch("/_inbound/twilio", { method: "POST", headers: { "Content-Type": "application/json" },
              body: JSON.stringify({ webhookUrl: $("webhook").value.trim(), from, to: channel, body: $("body").value }) });
            const answer = await r.json();
            $("result").textContent = answer.status && answer.status < 300 ? "Delivered to the platform." : "Not delivered: " + (answer.error ?? answer.status);
            if (answer.status && answer.status < 300) $("body").value = "";
          });
          async function refresh() {
            const number = $("number").value.trim();
            if (number) {
              const ledger = await (await fetch("/_ledger")).json();
              const mine = ledger.filter((m) => m.to.replace("whatsapp:", "") === number).reverse();
              $("inbox").replaceChildren(...mine.map((m) => {
                const li = document.createElement("li");
                li.textContent = m.body ?? ("template " + m.contentSid);
                const when = document.createElement("small");
                when.textContent = " — from " + (m.from ?? m.messagingServiceSid ?? m.provider) + ", " + new Date(m.receivedAt).toLocaleString();
                li.append(when);
                return li;
              }));
            }
            setTimeout(refresh, 2000);
          }
          refresh();
        </script>
        </body>
        </html>
        """;
}
