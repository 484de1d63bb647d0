using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Outbound.Gateway.WebConsole;

/// <summary>
/// Serves the web console (the built <c>console/dist</c>) at <c>/</c>: its files, and its page for any other path a
/// browser asks for, so a link such as <c>/templates/…</c> opens the console there. The API's paths are never
/// answered with the page.
/// </summary>
internal static class ConsoleFiles
{
    /// <summary><c>CONSOLE_DIR</c>: the built console; by default <c>wwwroot</c> beside the gateway.</summary>
    public const string SettingName = "CONSOLE_DIR";

    // The console talks only to its own origin; Mantine sets CSS variables in a style element.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; "
        + "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

    private static readonly string[] ApiPaths = ["/v1", "/health", "/openapi", "/dashboard"];

    /// <summary>Compression for the console's files only: the API's answers are left as they are.</summary>
    public static IServiceCollection AddWebConsole(this IServiceCollection services) =>
        services.AddResponseCompression(o =>
        {
            o.MimeTypes = ["text/javascript", "application/javascript", "text/css", "text/html", "image/svg+xml"];
            // Safe over HTTPS: these files are the same for everyone and carry no secret (no BREACH oracle).
            o.EnableForHttps = true;
        });

    public static void UseConsole(this WebApplication app)
    {
        var configured = app.Configuration[SettingName];
        var directory = configured is { Length: > 0 } ? Path.GetFullPath(configured) : Path.Combine(app.Environment.ContentRootPath, "wwwroot");
        var index = Path.Combine(directory, "index.html");
        if (!File.Exists(index))
        {
            app.Logger.LogInformation("No web console at {Directory}: build it (console/, npm run build) or set {Setting}.", directory, SettingName);
            return;
        }

        var files = new PhysicalFileProvider(directory);
        app.UseResponseCompression();
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context => Headers(context.Context.Response, immutable: context.Context.Request.Path.StartsWithSegments("/assets")),
        });

        // After the endpoints: only a GET that no endpoint took, outside the API's paths, gets the console's page.
        app.Use(async (http, next) =>
        {
            await next(http);
            if (http.Response.StatusCode == StatusCodes.Status404NotFound && !http.Response.HasStarted && http.GetEndpoint() is null
                && (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method))
                && !ApiPaths.Any(p => http.Request.Path.StartsWithSegments(p)))
            {
                http.Response.StatusCode = StatusCodes.Status200OK;
                http.Response.ContentType = "text/html; charset=utf-8";
                Headers(http.Response, immutable: false);
                await http.Response.SendFileAsync(files.GetFileInfo("index.html"), http.RequestAborted);
            }
        });
    }

    private static void Headers(HttpResponse response, bool immutable)
    {
        // Built assets carry a content hash in their names; the page itself must always be fresh.
        response.Headers[HeaderNames.CacheControl] = immutable ? "public, max-age=31536000, immutable" : "no-cache";
        response.Headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
        response.Headers[HeaderNames.XContentTypeOptions] = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }
}
