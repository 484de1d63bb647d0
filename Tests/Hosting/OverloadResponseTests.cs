using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Outbound.Gateway.Problems;

namespace Outbound.Tests.Hosting;

/// <summary>An overloaded cluster tells integrators to back off and retry, instead of failing with a bare 500.</summary>
public sealed class OverloadResponseTests
{
    [Theory]
    [InlineData(typeof(TimeoutException))]
    [InlineData(typeof(Orleans.Runtime.SiloUnavailableException))]
    public async Task A_cluster_call_that_timed_out_is_a_503_problem_with_retry_after(Type exceptionType)
    {
        using var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var http = new DefaultHttpContext { RequestServices = services };
        http.Response.Body = new MemoryStream();
        var handler = new OverloadExceptionHandler(services.GetRequiredService<IProblemDetailsService>(), NullLogger<OverloadExceptionHandler>.Instance);

        var handled = await handler.TryHandleAsync(http, (Exception)Activator.CreateInstance(exceptionType)!, CancellationToken.None);

        Assert.True(handled);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, http.Response.StatusCode);
        Assert.Equal("5", http.Response.Headers.RetryAfter.ToString());
        Assert.StartsWith("application/problem+json", http.Response.ContentType);
    }

    [Fact]
    public async Task Other_failures_are_left_to_the_default_handling()
    {
        using var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var http = new DefaultHttpContext { RequestServices = services };

        Assert.False(await new OverloadExceptionHandler(services.GetRequiredService<IProblemDetailsService>(), NullLogger<OverloadExceptionHandler>.Instance)
            .TryHandleAsync(http, new InvalidOperationException(), CancellationToken.None));
    }
}
