using Microsoft.AspNetCore.Http.Metadata;

namespace Outbound.Gateway.Problems;

/// <summary>
/// An empty body or the JSON <c>null</c> where an endpoint reads an object becomes a problem naming <c>body</c>.
/// The framework does this itself for most endpoints, but not where the body's type is generic (the catalog's),
/// whose nullability it cannot know: there the handler would get null.
/// </summary>
public static class RequiredBody
{
    public static TBuilder RequireBody<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint => endpoint.FilterFactories.Add((context, next) =>
        {
            // By the time filters are built, the endpoint's metadata says which type it reads from the body.
            var bodyType = endpoint.Metadata.OfType<IAcceptsMetadata>().Select(a => a.RequestType).LastOrDefault(t => t is not null);
            var index = bodyType is null ? -1 : Array.FindIndex(context.MethodInfo.GetParameters(), p => p.ParameterType == bodyType);
            if (index < 0)
            {
                return next;
            }

            return invocation => invocation.Arguments[index] is null
                ? ValueTask.FromResult<object?>(Problem.Validation("body", "The request body is a JSON object; it was empty or null."))
                : next(invocation);
        }));
        return builder;
    }
}
