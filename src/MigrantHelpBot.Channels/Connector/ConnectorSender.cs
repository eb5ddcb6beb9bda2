using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Bot.Storage;
using MigrantHelpBot.Channels.Outbox;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace MigrantHelpBot.Channels.Connector;

/// <summary>POSTs connector outbox entries to the channel's serviceUrl, with retries, a breaker and a timeout.</summary>
internal sealed class ConnectorSender : IOutboxSender
{
    private readonly IHttpClientFactory _httpClients;
    private readonly ConnectorTokens _tokens;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public ConnectorSender(IHttpClientFactory httpClients, ConnectorTokens tokens, IOptions<ConnectorOptions> options)
    {
        _httpClients = httpClients;
        _tokens = tokens;
        _pipeline = ResilientHttp.Pipeline(options.Value.SendTimeout);
    }

    public string Channel => ConnectorDelivery.Channel;

    public async Task<SendResult> SendAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ConnectorPayload? payload;
        try
        {
            payload = JsonSerializer.Deserialize(entry.Payload, ConnectorJsonContext.Default.ConnectorPayload);
        }
        catch (JsonException)
        {
            payload = null;
        }
        if (payload is null || !Uri.TryCreate(payload.ServiceUrl, UriKind.Absolute, out var serviceUrl))
        {
            return new SendResult(SendOutcome.Rejected, "The outbox entry has no valid serviceUrl.");
        }

        var url = $"{serviceUrl.ToString().TrimEnd('/')}/v3/conversations/{Uri.EscapeDataString(payload.ConversationId)}/activities";
        if (payload.Activity.ReplyToId is { Length: > 0 } replyToId) url += "/" + Uri.EscapeDataString(replyToId);
        var body = JsonSerializer.Serialize(payload.Activity, BotJsonContext.Wire.Activity);
        var http = _httpClients.CreateClient(nameof(ConnectorSender));

        try
        {
            var authorization = await _tokens.GetAsync(cancellationToken);
            using var response = await _pipeline.ExecuteAsync(async ct =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                request.Headers.Authorization = authorization;
                return await http.SendAsync(request, ct);
            }, cancellationToken);
            return ResilientHttp.Classify(response);
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
}

/// <summary>The Polly pipeline every outbound HTTP sender uses, and how its answers are read.</summary>
internal static class ResilientHttp
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

    public static SendResult Classify(HttpResponseMessage response) =>
        response.IsSuccessStatusCode ? SendResult.Delivered
        : IsTransient(response) ? new SendResult(SendOutcome.RetryLater, $"HTTP {(int)response.StatusCode}", RetryAfter(response))
        : new SendResult(SendOutcome.Rejected, $"HTTP {(int)response.StatusCode}");
}
