using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using MigrantHelpBot.Bot.Storage;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace MigrantHelpBot.Channels.Outbox;

/// <summary>The Polly pipeline every outbound HTTP sender uses, and how its answers are read.</summary>
public static class ResilientHttp
{
    public static ResiliencePipeline<HttpResponseMessage> Pipeline(TimeSpan attemptTimeout)
    {
        var transient = new PredicateBuilder<HttpResponseMessage>()
            .Handle<HttpRequestException>()
            .Handle<TimeoutRejectedException>()
            .HandleResult(IsTransient);
        return new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = transient,
                MaxRetryAttempts = 3,
                Delay = TimeSpan.FromMilliseconds(500),
                MaxDelay = TimeSpan.FromSeconds(10),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result) is { } wait && wait <= TimeSpan.FromSeconds(10) ? wait : (TimeSpan?)null),
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = transient,
                FailureRatio = 0.5,
                MinimumThroughput = 10,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = TimeSpan.FromSeconds(15),
            })
            .AddTimeout(attemptTimeout)
            .Build();
    }

    public static bool IsTransient(HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500;

    public static TimeSpan? RetryAfter(HttpResponseMessage? response) => response?.Headers.RetryAfter switch
    {
        RetryConditionHeaderValue { Delta: { } delta } => delta,
        RetryConditionHeaderValue { Date: { } date } => date - DateTimeOffset.UtcNow,
        _ => null,
    };

    /// <summary>
    /// Runs a send: a broken circuit, an attempt that timed out or a network error is a transient
    /// failure (tried again later by the outbox), never an exception.
    /// </summary>
    public static async Task<SendResult> GuardAsync(Func<Task<SendResult>> send, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(send);
        try
        {
            return await send();
        }
        catch (BrokenCircuitException broken)
        {
            return new SendResult(SendOutcome.RetryLater, "circuit open", broken.RetryAfter);
        }
        catch (Exception exception) when (exception is HttpRequestException or TimeoutRejectedException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new SendResult(SendOutcome.RetryLater, exception.GetType().Name);
        }
    }

    /// <summary>An outbox entry's payload, or null when it cannot be read (the sender rejects it).</summary>
    public static T? Read<T>(OutboxEntry entry, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(entry);
        try
        {
            return JsonSerializer.Deserialize(entry.Payload, typeInfo);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary><see cref="Classify"/>, with the platform's own reason added to a refusal (it names the problem, never the user's text).</summary>
    public static async Task<SendResult> ClassifyAsync(HttpResponseMessage response, Func<HttpResponseMessage, Task<string?>> reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        var result = Classify(response);
        if (result.Outcome != SendOutcome.Rejected) return result;
        string? why;
        try
        {
            why = await reason(response);
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException or HttpRequestException)
        {
            why = null;
        }
        return string.IsNullOrEmpty(why) ? result : result with { Error = $"{result.Error}: {why}" };
    }

    public static SendResult Classify(HttpResponseMessage response) =>
        response.IsSuccessStatusCode ? SendResult.Delivered
        : IsTransient(response) ? new SendResult(SendOutcome.RetryLater, $"HTTP {(int)response.StatusCode}", RetryAfter(response))
        : new SendResult(SendOutcome.Rejected, $"HTTP {(int)response.StatusCode}");
}
