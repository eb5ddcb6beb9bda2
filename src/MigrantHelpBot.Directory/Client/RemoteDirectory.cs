using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using MigrantHelpBot.Directory.Matching;
using MigrantHelpBot.Directory.Organizations;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace MigrantHelpBot.Directory.Client;

/// <summary>
/// A standalone directory over HTTP, through Polly: a timeout per attempt, retries with jittered
/// exponential backoff, and a circuit breaker. When the directory cannot answer, the same matcher runs
/// on the last-known-good snapshot and the answer says so (<c>source: "snapshot"</c>), so routing goes
/// on while the directory is down; the gaps it meets are reported once the directory is back. Only
/// with no snapshot at all does a match fail.
/// </summary>
public sealed partial class RemoteDirectory : IDirectory
{
    public const string HttpClientName = "directory";

    private readonly IHttpClientFactory _httpClients;
    private readonly DirectoryOptions _options;
    private readonly DirectorySnapshot _snapshot;
    private readonly Matcher _matcher;
    private readonly ILogger<RemoteDirectory> _logger;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    /// <summary>Gaps the snapshot met while the directory was down (kept in memory, bounded).</summary>
    private readonly ConcurrentQueue<MatchRequest> _unreportedGaps = new();
    private const int MaxUnreportedGaps = 10_000;

    public RemoteDirectory(IHttpClientFactory httpClients, IOptions<DirectoryOptions> options, DirectorySnapshot snapshot, Matcher matcher, ILogger<RemoteDirectory> logger)
    {
        _httpClients = httpClients;
        _options = options.Value;
        _snapshot = snapshot;
        _matcher = matcher;
        _logger = logger;
        _pipeline = Pipeline(_options);
    }

    public async Task<MatchResult> MatchAsync(MatchRequest request, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, "api/directory/match")
            {
                Content = JsonContent.Create(request, DirectoryJson.Default.MatchRequest),
            }, cancellationToken);
            if (response.IsSuccessStatusCode)
                return (await response.Content.ReadFromJsonAsync(DirectoryJson.Default.MatchResult, cancellationToken))!;
            LogRefused((int)response.StatusCode);
        }
        catch (Exception exception) when (IsOutage(exception, cancellationToken))
        {
            LogUnreachable(exception.GetType().Name);
        }

        var snapshot = await _snapshot.LoadAsync(cancellationToken)
            ?? throw new DirectoryUnavailableException("The directory is unreachable and no snapshot of it has been taken yet.");
        var result = _matcher.Match(snapshot.Organizations, request) with { Source = "snapshot" };
        if (result.Fallback && _unreportedGaps.Count < MaxUnreportedGaps) _unreportedGaps.Enqueue(request);
        return result;
    }

    /// <summary>
    /// Tells the directory, once it answers again, about the requests the snapshot found no organisation
    /// for: each is matched there again, which records the gap if it is still one.
    /// </summary>
    public async Task ReportGapsAsync(CancellationToken cancellationToken)
    {
        while (_unreportedGaps.TryPeek(out var request))
        {
            using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, "api/directory/match")
            {
                Content = JsonContent.Create(request, DirectoryJson.Default.MatchRequest),
            }, cancellationToken);
            response.EnsureSuccessStatusCode();
            _unreportedGaps.TryDequeue(out _);
        }
    }

    /// <summary>Fetches every organisation (for the snapshot).</summary>
    public async Task<IReadOnlyList<Organization>> FetchAllAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, "api/directory/organizations"), cancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync(DirectoryJson.Default.ListOrganization, cancellationToken))!;
    }

    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> create, CancellationToken cancellationToken)
    {
        var client = _httpClients.CreateClient(HttpClientName);
        return await _pipeline.ExecuteAsync(async token =>
        {
            using var request = create();
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
            return await client.SendAsync(request, token);
        }, cancellationToken);
    }

    internal static bool IsOutage(Exception exception, CancellationToken cancellationToken) =>
        exception is HttpRequestException or TimeoutRejectedException or BrokenCircuitException
        || exception is OperationCanceledException && !cancellationToken.IsCancellationRequested;

    private static ResiliencePipeline<HttpResponseMessage> Pipeline(DirectoryOptions options)
    {
        var transient = new PredicateBuilder<HttpResponseMessage>()
            .Handle<HttpRequestException>()
            .Handle<TimeoutRejectedException>()
            .HandleResult(response => response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500);
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = transient,
                FailureRatio = 0.5,
                MinimumThroughput = 4,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = options.BreakDuration,
            });
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = transient,
                MaxRetryAttempts = options.MaxRetries,
                Delay = TimeSpan.FromMilliseconds(200),
                MaxDelay = TimeSpan.FromSeconds(2),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            });
        }
        return builder.AddTimeout(options.AttemptTimeout).Build();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Directory refused a match (HTTP {Status}); matching on the snapshot.")]
    private partial void LogRefused(int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Directory unreachable ({Reason}); matching on the last-known-good snapshot.")]
    private partial void LogUnreachable(string reason);
}

/// <summary>Neither the directory nor a snapshot of it can answer.</summary>
public sealed class DirectoryUnavailableException(string message) : Exception(message);
