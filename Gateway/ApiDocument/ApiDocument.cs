using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;
using Outbound.Gateway.Auth;
using Outbound.Gateway.Routing;
using Outbound.Gateway.Catalog;
using Outbound.Sending;

namespace Outbound.Gateway.ApiDocument;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>, which client generators are fed. Endpoint metadata and XML docs
/// give most of it; these transformers add what the framework cannot see: how callers authenticate, the responses
/// middleware gives (401, 403, 413, 415, 429, 503), the headers of a send, closed sets of values, and which fields a
/// request must carry (request records keep every property nullable so that the API, not the framework, names a
/// missing field).
/// </summary>
public static class ApiDocument
{
    public const string BearerScheme = "bearer";

    private static readonly Assembly GatewayAssembly = typeof(ApiDocument).Assembly;
    private static readonly NullabilityInfoContext Nullability = new();

    private static readonly (string Name, string Description)[] Tags =
    [
        ("Orgs", "Orgs (tenants) and their limits. Creating, configuring, disabling and enabling an org needs the operator's admin key."),
        ("Channels", "How messages leave: a Twilio or an Azure Communication Services (ACS) sender, for SMS or WhatsApp."),
        ("Templates", "What messages say: per-locale SMS text with {Slug} placeholders, or a WhatsApp Content Template SID and its variables."),
        ("Outbound configurations", "A channel and a template together; send requests name a configuration."),
        ("Sending", "Send a contact list through a configuration, and follow each message's status."),
        ("Contacts", "A customer's consent: opted in or out of the org's messages."),
        ("Timeline", "What agents see of a customer: the messages sent to a number, or regarding a case or other entity."),
        ("Reports", "What was sent and what became of it, per interval or per recipient."),
        ("API keys", "The org's API keys: create, list and revoke. Rotation is creating a new key, moving to it, and revoking the old."),
        ("Callbacks", "Where the providers report delivery: Twilio status callbacks and ACS events through Event Grid. They carry no API key."),
    ];

    public static IServiceCollection AddApiDocument(this IServiceCollection services) =>
        services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer((document, _, _) =>
            {
                Describe(document);
                DescribeChannelVariants(document);
                return Task.CompletedTask;
            });
            o.AddOperationTransformer((operation, context, _) =>
            {
                Describe(operation, context);
                return Task.CompletedTask;
            });
            o.AddSchemaTransformer((schema, context, _) =>
            {
                Describe(schema, context);
                return Task.CompletedTask;
            });
        });

    private static void Describe(OpenApiDocument document)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Outbound messaging API",
            Version = "v1",
            Description =
                "Send SMS and WhatsApp messages to contact lists through Twilio or Azure Communication Services, follow each "
                + "message's delivery, and show the messages on a customer's timeline. Errors are RFC 9457 problem documents "
                + "naming the field at fault.",
        };
        // The server is the address the document was fetched from; a trailing slash would double the paths' own.
        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/');
        }

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description =
                "An org's API key (Authorization: Bearer <key>). Its scope decides what it reaches: admin keys reach every org "
                + "route, send keys sending, message status and consent. The operator's admin key reaches the org administration "
                + "routes. A missing or unknown key is a 401; a key whose scope does not reach the route, or of a disabled org, a 403.",
        };
        document.Tags = new HashSet<OpenApiTag>(Tags.Select(t => new OpenApiTag { Name = t.Name, Description = t.Description }));
    }

    /// <summary>
    /// A channel is a Twilio sender or an ACS one, told apart by <c>provider</c>: one schema per provider under a
    /// <c>oneOf</c> with a discriminator, so a generated client has a type per provider carrying only its own section.
    /// </summary>
    private static void DescribeChannelVariants(OpenApiDocument document)
    {
        const string Name = "ChannelRequest";
        if (document.Components?.Schemas is not { } schemas || !schemas.TryGetValue(Name, out var found) || found is not OpenApiSchema channel
            || channel.Properties is not { } properties)
        {
            return;
        }

        OpenApiSchemaReference Variant(string provider, string variantName, string description, params string[] otherProviders)
        {
            schemas[variantName] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = description,
                Properties = properties
                    .Where(p => !otherProviders.Contains(p.Key))
                    .ToDictionary(
                        p => p.Key,
                        p => p.Key == "provider" ? new OpenApiSchema { Type = JsonSchemaType.String, Enum = Values(provider) } : p.Value),
                Required = channel.Required,
            };
            return new OpenApiSchemaReference(variantName, document);
        }

        var twilio = Variant("twilio", "TwilioChannelRequest", "A channel on Twilio: SMS or WhatsApp, from a number or a Messaging Service.", "acs");
        var acs = Variant("acs", "AcsChannelRequest", "An SMS channel on Azure Communication Services.", "twilio", "messagingServiceSid");
        schemas[Name] = new OpenApiSchema
        {
            Description = channel.Description,
            OneOf = [twilio, acs],
            Discriminator = new OpenApiDiscriminator
            {
                PropertyName = "provider",
                Mapping = new Dictionary<string, OpenApiSchemaReference> { ["twilio"] = twilio, ["acs"] = acs },
            },
        };
    }

    private static void Describe(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var path = "/" + (context.Description.RelativePath ?? "").TrimStart('/');
        var template = context.Description.ActionDescriptor.AttributeRouteInfo?.Template ?? path;
        operation.Parameters ??= [];
        operation.Responses ??= [];

        DeclarePathParameters(operation, template);
        if (operation.Parameters.FirstOrDefault(p => p.Name == "interval") is { Schema: OpenApiSchema interval })
        {
            interval.Enum = Values("hour", "day");
        }

        if (metadata.OfType<IAuthorizeData>().Any())
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }];
            Problem(operation, context, StatusCodes.Status401Unauthorized, "No API key was given, or it is not valid.");
            Problem(operation, context, StatusCodes.Status403Forbidden, "The key's scope does not reach this operation, or its org is disabled.");
        }
        else
        {
            // Callbacks authenticate otherwise (a signed URL and the provider's signature): anyone may call them.
            operation.Security = [new OpenApiSecurityRequirement()];
        }

        if (operation.RequestBody is not null)
        {
            Problem(operation, context, StatusCodes.Status400BadRequest, "The request is not valid: the problem's errors name each field at fault.");
            Problem(operation, context, StatusCodes.Status413PayloadTooLarge, "The request body is larger than this operation reads.");
            Problem(operation, context, StatusCodes.Status415UnsupportedMediaType, "The body is not of a media type this operation reads (JSON bodies are UTF-8).");
        }

        if (context.Description.HttpMethod == HttpMethods.Get && metadata.OfType<EnableRateLimitingAttribute>().Any())
        {
            Problem(operation, context, StatusCodes.Status429TooManyRequests, "The org has made too many reads this minute; repeat after Retry-After seconds.", RetryAfter());
        }

        Problem(operation, context, StatusCodes.Status503ServiceUnavailable, "The service is overloaded; nothing was changed. Repeat after Retry-After seconds.", RetryAfter());

        switch (operation.OperationId)
        {
            case "SendMessages":
                DescribeSend(operation);
                break;
            case "ReceiveTwilioStatus":
                Forbidden(operation, "The URL's token or the X-Twilio-Signature is not valid.");
                Query(operation, "message", "The message the callback is about, as the service wrote it in the URL it gave Twilio.");
                Query(operation, Security.CallbackTokens.Parameter, "The service's signature of message, from the same URL.");
                break;
            case "ReceiveAcsEvents" or "ValidateAcsEventsSubscription":
                Query(operation, Callbacks.AcsEventsApi.ChannelParameter, "The org and channel ids (32 hex digits each) joined by a dot: {orgId:N}.{channelId:N}.");
                Forbidden(operation, "The channel and code name no channel with that events secret.");
                Query(operation, Callbacks.AcsEventsApi.SecretParameter, "The channel's eventsSecret.");
                break;
        }

        foreach (var (status, response) in operation.Responses)
        {
            if (response is OpenApiResponse { Description: var description } r && (string.IsNullOrEmpty(description) || description == ReasonPhrase(status)))
            {
                r.Description = DefaultDescription(status) ?? description;
            }
        }
    }

    private static void DescribeSend(OpenApiOperation operation)
    {
        operation.Parameters!.Add(new OpenApiParameter
        {
            Name = "Idempotency-Key",
            In = ParameterLocation.Header,
            Description = "Optional, at most 255 characters: a repeat with the same key and body is answered as the first request "
                + "was (with Idempotent-Replayed: true) and sends nothing again; the same key with another body is a 422.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 255 },
        });
        if (operation.Responses!.TryGetValue("202", out var accepted) && accepted is OpenApiResponse ok)
        {
            ok.Headers ??= new Dictionary<string, IOpenApiHeader>();
            foreach (var (name, header) in RateLimitHeaders())
            {
                ok.Headers[name] = header;
            }

            ok.Headers["Idempotent-Replayed"] = new OpenApiHeader
            {
                Description = "true when this answers a repeat of an earlier request with the same Idempotency-Key.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = Values("true") },
            };
        }

        if (operation.Responses.TryGetValue("429", out var tooMany) && tooMany is OpenApiResponse quota)
        {
            quota.Description = "The org's hourly send quota is used up: nothing was accepted. Repeat after Retry-After seconds.";
            quota.Headers ??= new Dictionary<string, IOpenApiHeader>();
            foreach (var (name, header) in RateLimitHeaders().Concat(RetryAfter()))
            {
                quota.Headers[name] = header;
            }
        }
    }

    private static void Forbidden(OpenApiOperation operation, string description)
    {
        if (operation.Responses!.TryGetValue("403", out var forbidden) && forbidden is OpenApiResponse r)
        {
            r.Description = description;
        }
    }

    private static void Query(OpenApiOperation operation, string name, string description) =>
        operation.Parameters!.Add(new OpenApiParameter
        {
            Name = name,
            In = ParameterLocation.Query,
            Required = true,
            Description = description,
            Schema = new OpenApiSchema { Type = JsonSchemaType.String },
        });

    private static IEnumerable<(string Name, IOpenApiHeader Header)> RateLimitHeaders() =>
    [
        ("RateLimit-Limit", IntegerHeader("Send requests the org may make per UTC clock hour.")),
        ("RateLimit-Remaining", IntegerHeader("Send requests left this hour.")),
        ("RateLimit-Reset", IntegerHeader("Seconds until the hour's count starts again.")),
    ];

    private static IEnumerable<(string Name, IOpenApiHeader Header)> RetryAfter() =>
        [("Retry-After", IntegerHeader("Seconds to wait before repeating the request."))];

    private static OpenApiHeader IntegerHeader(string description) =>
        new() { Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "0" } };

    /// <summary>Route values read from the request rather than bound to a handler parameter are declared too.</summary>
    private static void DeclarePathParameters(OpenApiOperation operation, string template)
    {
        foreach (var segment in template.Split('/').Where(s => s.StartsWith('{') && s.EndsWith('}')))
        {
            var parts = segment[1..^1].Split(':');
            var name = parts[0];
            if (operation.Parameters!.Any(p => p.Name == name && p.In == ParameterLocation.Path))
            {
                continue;
            }

            operation.Parameters!.Add(new OpenApiParameter
            {
                Name = name,
                In = ParameterLocation.Path,
                Required = true,
                Description = "The id the API returned when it was created.",
                Schema = parts.Contains("guid")
                    ? new OpenApiSchema { Type = JsonSchemaType.String, Format = "uuid" }
                    : new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }
    }

    private static void Problem(
        OpenApiOperation operation, OpenApiOperationTransformerContext context, int status, string description,
        IEnumerable<(string Name, IOpenApiHeader Header)>? headers = null)
    {
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Responses!.TryGetValue(key, out var declared))
        {
            // Declared by the endpoint: only the headers middleware adds are missing.
            if (headers is not null && declared is OpenApiResponse existing)
            {
                existing.Headers ??= new Dictionary<string, IOpenApiHeader>();
                foreach (var (name, header) in headers)
                {
                    existing.Headers[name] = header;
                }
            }

            return;
        }

        var schema = status == StatusCodes.Status400BadRequest ? "HttpValidationProblemDetails" : "ProblemDetails";
        var response = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(schema, context.Document) },
            },
        };
        if (headers is not null)
        {
            response.Headers = headers.ToDictionary(h => h.Name, h => h.Header);
        }

        operation.Responses[key] = response;
    }

    private static string ReasonPhrase(string status) =>
        int.TryParse(status, out var code) ? Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(code) : "";

    private static string? DefaultDescription(string status) => status switch
    {
        "200" => "Done: the answer is in the body.",
        "201" => "Created: the body is what was stored.",
        "202" => "Accepted: one result per contact, in the order of the request. Delivery goes on in the background.",
        "204" => "Done; there is no body.",
        "400" => "The request is not valid: the problem's errors name each field at fault.",
        "403" => "The key's scope does not reach this operation, or its org is disabled.",
        "404" => "Nothing of that id exists in the org.",
        "409" => "The request conflicts with what is stored: the problem says what.",
        "422" => "The Idempotency-Key was already used with another request.",
        "429" => "Too many requests: repeat after Retry-After seconds.",
        "503" => "The service is overloaded; repeat after Retry-After seconds.",
        _ => null,
    };

    private static void Describe(OpenApiSchema schema, OpenApiSchemaTransformerContext context)
    {
        if (context.JsonPropertyInfo is { } property)
        {
            if (property.DeclaringType.Assembly == GatewayAssembly && EnumOf(property.DeclaringType, property.Name) is { } values)
            {
                schema.Enum = values;
            }
        }

        var type = context.JsonTypeInfo.Type;
        if (type.Assembly != GatewayAssembly || schema.Properties is not { Count: > 0 })
        {
            return;
        }

        // A request names what it must carry with [Required]; a response omits only what is null.
        var isRequest = type.Name.EndsWith("Request", StringComparison.Ordinal) || type.Name.EndsWith("Body", StringComparison.Ordinal);
        var required = context.JsonTypeInfo.Properties
            .Where(p => p.AttributeProvider is PropertyInfo info && (isRequest
                ? info.IsDefined(typeof(RequiredAttribute))
                : Nullability.Create(info).ReadState != NullabilityState.Nullable))
            .Select(p => p.Name)
            .ToHashSet(StringComparer.Ordinal);
        schema.Required = required.Count > 0 ? required : null;
    }

    private static List<JsonNode> Values(params string[] values) => [.. values.Select(v => (JsonNode)JsonValue.Create(v))];

    private static readonly string[] MessageStatuses = [.. Enum.GetNames<MessageStatus>().Select(n => n.ToLowerInvariant())];

    private static List<JsonNode>? EnumOf(Type declaringType, string property) => (declaringType.Name, property) switch
    {
        (_, "type" or "channelType") => Values([.. WireNames.ChannelTypes.Keys]),
        (_, "provider") => Values([.. WireNames.Providers.Keys]),
        (_, "scope") => Values([.. Scopes.ByName.Keys]),
        (_, "interval") => Values("hour", "day"),
        ("ContactResultResponse", "status") => Values("accepted", "skipped_no_optin", "skipped_opted_out", "invalid"),
        ("MessageResponse" or "StatusChangeResponse", "status") => Values(MessageStatuses),
        ("MessageResponse", "direction") => Values("outbound", "inbound"),
        ("MessageResponse", "purpose") => Values("reply", "auto_reply", "opt_out_confirmation"),
        ("ConversationResponse" or "ConversationSummaryResponse", "status") => Values("waiting", "assigned", "closed"),
        ("TranscriptEntryResponse", "kind") => Values("inbound", "agent", "event"),
        (_, "strategy") => Values([.. RoutingWire.Strategies.Keys]),
        ("AgentResponse", "presence") or ("PresenceRequest", "status") => Values([.. RoutingWire.Presences.Keys]),
        _ => null,
    };
}
