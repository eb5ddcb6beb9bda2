using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace MigrantHelpBot.Translation;

/// <summary>What one text became: the language the service detected (when no source was given) and the text in each target.</summary>
public sealed record TranslateResult(string? DetectedLanguage, double? DetectedScore, IReadOnlyDictionary<string, string> Translations);

/// <summary>A detected language.</summary>
public sealed record DetectResult(string Language, double Score, bool TranslationSupported);

/// <summary>
/// Azure AI Translator Text v3 over REST: <c>translate</c> and <c>detect</c>, split into requests the
/// service accepts (≤ 1,000 elements and ≤ 50,000 characters per translate request, counted across
/// every target language; ≤ 100 elements per detect), each attempt with its own <c>X-ClientTraceId</c>.
/// Every request runs through one Polly pipeline — retries with jittered exponential backoff on 408,
/// 429, 5xx, timeouts and unreadable answers (honouring <c>Retry-After</c>), a circuit breaker, and a
/// per-attempt timeout — shared by all callers, so an outage opens the circuit for everyone.
/// </summary>
public sealed partial class AzureTranslatorClient
{
    public const string HttpClientName = "translator";
    public const int MaxElements = 1000;
    public const int MaxCharacters = 50_000;
    public const int MaxDetectElements = 100;

    private readonly IHttpClientFactory _http;
    private readonly TranslatorOptions _options;
    private readonly ILogger<AzureTranslatorClient> _logger;
    private readonly ResiliencePipeline _pipeline;
    private readonly CircuitBreakerStateProvider _circuit = new();
    private readonly TimeProvider _clock;
    private long _openUntil;

    public AzureTranslatorClient(IHttpClientFactory http, IOptions<TranslatorOptions> options, ILogger<AzureTranslatorClient> logger, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _http = http;
        _options = options.Value;
        _logger = logger;
        _clock = clock ?? TimeProvider.System;
        _pipeline = BuildPipeline(_options, _circuit, _clock, until => Interlocked.Exchange(ref _openUntil, until.ToUnixTimeMilliseconds()));
    }

    /// <summary>
    /// False while the circuit is open: calls fail at once without reaching the service. True again when the break
    /// is over (Polly moves the circuit to half-open only on the next call, so the break's end is kept here).
    /// </summary>
    public bool Available => _circuit.CircuitState is CircuitState.Closed or CircuitState.HalfOpen
        || _circuit.CircuitState == CircuitState.Open && _clock.GetUtcNow().ToUnixTimeMilliseconds() >= Interlocked.Read(ref _openUntil);

    /// <summary>
    /// Translates <paramref name="texts"/> into every language of <paramref name="to"/> (our ids: <c>tl</c>, not
    /// <c>fil</c>); <paramref name="from"/> null lets the service detect each text's language.
    /// </summary>
    public async Task<IReadOnlyList<TranslateResult>> TranslateAsync(IReadOnlyList<string> texts, string? from, IReadOnlyList<string> to, bool html, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(to);
        if (to.Count == 0) throw new ArgumentException("Give at least one target language.", nameof(to));
        var targets = to.Select(TranslatorLanguages.ToService).Distinct(StringComparer.Ordinal).ToList();
        var query = new StringBuilder("translate?api-version=3.0");
        foreach (var target in targets) query.Append("&to=").Append(Uri.EscapeDataString(target));
        if (from is not null) query.Append("&from=").Append(Uri.EscapeDataString(TranslatorLanguages.ToService(from)));
        if (html) query.Append("&textType=html");
        if (!string.IsNullOrWhiteSpace(_options.Category)) query.Append("&category=").Append(Uri.EscapeDataString(_options.Category));
        var path = query.ToString();

        var results = new List<TranslateResult>(texts.Count);
        foreach (var batch in Batches(texts, targets.Count, MaxElements, MaxCharacters))
        {
            var answer = await SendAsync(path, batch, TranslatorJson.Default.ListTranslateAnswer, items =>
                items.Any(item => targets.Any(t => item?.Translations?.Any(x => x?.To == t && x.Text is not null) != true)) ? "The translator's answer is missing a translation." : null,
                cancellationToken);
            for (var i = 0; i < batch.Count; i++)
            {
                var item = answer[i];
                var translations = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var translation in item?.Translations ?? [])
                {
                    if (translation?.To is { } language && translation.Text is { } text) translations[TranslatorLanguages.FromService(language)] = text;
                }
                var detected = item!.DetectedLanguage?.Language is { } language2 ? TranslatorLanguages.FromService(language2) : null;
                results.Add(new TranslateResult(detected, item.DetectedLanguage?.Score, translations));
            }
        }
        return results;
    }

    /// <summary>The language of each text.</summary>
    public async Task<IReadOnlyList<DetectResult>> DetectAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var results = new List<DetectResult>(texts.Count);
        foreach (var batch in Batches(texts, 1, MaxDetectElements, MaxCharacters))
        {
            var answer = await SendAsync("detect?api-version=3.0", batch, TranslatorJson.Default.ListDetectAnswer,
                items => items.Any(item => item?.Language is null) ? "The translator's answer is missing a language." : null, cancellationToken);
            foreach (var item in answer)
            {
                var language = item!.Language!;
                results.Add(new DetectResult(TranslatorLanguages.FromService(language), item.Score ?? 0, item.IsTranslationSupported ?? false));
            }
        }
        return results;
    }

    /// <summary>
    /// Consecutive runs of <paramref name="texts"/> that fit one request: at most <paramref name="maxElements"/>
    /// elements and <paramref name="maxCharacters"/> characters, each counted once per target language.
    /// </summary>
    internal static IEnumerable<IReadOnlyList<string>> Batches(IReadOnlyList<string> texts, int targets, int maxElements, int maxCharacters)
    {
        var batch = new List<string>();
        long characters = 0;
        foreach (var text in texts)
        {
            ArgumentNullException.ThrowIfNull(text, nameof(texts));
            var cost = (long)text.Length * targets;
            if (cost > maxCharacters)
            {
                throw new ArgumentException($"A text of {text.Length} characters cannot be translated into {targets} languages in one request (at most {maxCharacters} characters).", nameof(texts));
            }
            if (batch.Count == maxElements || characters + cost > maxCharacters)
            {
                yield return batch;
                batch = [];
                characters = 0;
            }
            batch.Add(text);
            characters += cost;
        }
        if (batch.Count > 0) yield return batch;
    }

    /// <summary>One request through the pipeline; an answer that is not JSON, has the wrong count or fails <paramref name="check"/> counts as a failed attempt.</summary>
    private async Task<List<T?>> SendAsync<T>(string path, IReadOnlyList<string> batch, JsonTypeInfo<List<T?>> answerType, Func<List<T?>, string?> check, CancellationToken cancellationToken)
    {
        if (!_options.Configured) throw new TranslatorException("No translator is configured.", transient: false);
        var body = JsonSerializer.SerializeToUtf8Bytes(batch.Select(t => new TextElement(t)).ToList(), TranslatorJson.Default.ListTextElement);
        var uri = new Uri(_options.BaseAddress, path);
        try
        {
            return await _pipeline.ExecuteAsync(async token =>
            {
                // A new request (and trace id) per attempt: a sent HttpRequestMessage cannot be sent again.
                var traceId = Guid.NewGuid().ToString();
                using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                request.Headers.Add("Ocp-Apim-Subscription-Key", _options.Key);
                if (!string.IsNullOrWhiteSpace(_options.Region)) request.Headers.Add("Ocp-Apim-Subscription-Region", _options.Region);
                request.Headers.Add("X-ClientTraceId", traceId);
                var client = _http.CreateClient(HttpClientName);
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
                var content = await response.Content.ReadAsByteArrayAsync(token);
                if (!response.IsSuccessStatusCode) throw Refused(response, content, traceId);
                List<T?>? answer;
                try
                {
                    answer = JsonSerializer.Deserialize(content, answerType);
                }
                catch (JsonException exception)
                {
                    LogUnreadable(traceId, (int)response.StatusCode);
                    throw new TranslatorException("The translator's answer could not be read.", exception);
                }
                if (answer is null || answer.Count != batch.Count)
                {
                    LogUnreadable(traceId, (int)response.StatusCode);
                    throw new TranslatorException($"The translator answered {answer?.Count ?? 0} items for {batch.Count} texts.");
                }
                if (check(answer) is { } problem)
                {
                    LogUnreadable(traceId, (int)response.StatusCode);
                    throw new TranslatorException(problem);
                }
                return answer;
            }, cancellationToken);
        }
        catch (BrokenCircuitException broken)
        {
            throw new TranslatorException("The translator is failing; calls are paused for a while.", retryAfter: broken.RetryAfter, inner: broken);
        }
        catch (TimeoutRejectedException timeout)
        {
            throw new TranslatorException("The translator did not answer in time.", timeout);
        }
        catch (HttpRequestException network)
        {
            throw new TranslatorException("The translator could not be reached.", network);
        }
    }

    private TranslatorException Refused(HttpResponseMessage response, byte[] content, string traceId)
    {
        var status = (int)response.StatusCode;
        int? code = null;
        string? message = null;
        try
        {
            var error = JsonSerializer.Deserialize(content, TranslatorJson.Default.ErrorAnswer)?.Error;
            code = error?.Code;
            message = error?.Message;
        }
        catch (JsonException)
        {
            // Not the documented error shape (a proxy's page): the status says enough.
        }
        var transient = response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || status >= 500;
        TimeSpan? retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => null,
        };
        LogRefused(status, code, traceId);
        var reason = message is { Length: > 0 } ? message.Length > 200 ? message[..200] : message : response.ReasonPhrase;
        return new TranslatorException(
            string.Create(CultureInfo.InvariantCulture, $"The translator answered {status}{(code is null ? "" : $" ({code})")}: {reason}"),
            status, code, transient, retryAfter);
    }

    private static ResiliencePipeline BuildPipeline(TranslatorOptions options, CircuitBreakerStateProvider circuit, TimeProvider clock, Action<DateTimeOffset> opened)
    {
        static bool Failure(Exception exception) => exception switch
        {
            TranslatorException translator => translator.Transient,
            HttpRequestException or TimeoutRejectedException => true,
            _ => false,
        };
        var builder = new ResiliencePipelineBuilder { TimeProvider = clock };
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                // A Retry-After longer than we wait in place fails now; the caller's backlog tries again later.
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => Failure(e) && !(e is TranslatorException { RetryAfter: { } wait } && wait > options.MaxRetryAfter)),
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryDelay,
                MaxDelay = TimeSpan.FromSeconds(30),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception is TranslatorException { RetryAfter: { } wait } ? wait < TimeSpan.Zero ? TimeSpan.Zero : wait : (TimeSpan?)null),
            });
        }
        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(Failure),
            FailureRatio = options.BreakerFailureRatio,
            MinimumThroughput = Math.Max(2, options.BreakerMinimumThroughput),
            SamplingDuration = options.BreakerSamplingDuration,
            BreakDuration = options.BreakDuration,
            StateProvider = circuit,
            OnOpened = args =>
            {
                opened(clock.GetUtcNow() + args.BreakDuration);
                return ValueTask.CompletedTask;
            },
        });
        builder.AddTimeout(options.AttemptTimeout);
        return builder.Build();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The translator answered {Status} (code {Code}); X-ClientTraceId {TraceId}.")]
    private partial void LogRefused(int status, int? code, string traceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The translator's answer ({Status}) could not be read; X-ClientTraceId {TraceId}.")]
    private partial void LogUnreadable(string traceId, int status);
}

internal sealed record TextElement([property: JsonPropertyName("Text")] string Text);

internal sealed class TranslateAnswer
{
    [JsonPropertyName("detectedLanguage")] public DetectAnswer? DetectedLanguage { get; set; }
    [JsonPropertyName("translations")] public List<TranslationAnswer?>? Translations { get; set; }
}

internal sealed class TranslationAnswer
{
    [JsonPropertyName("text")] public string? Text { get; set; }
    [JsonPropertyName("to")] public string? To { get; set; }
}

internal sealed class DetectAnswer
{
    [JsonPropertyName("language")] public string? Language { get; set; }
    [JsonPropertyName("score")] public double? Score { get; set; }
    [JsonPropertyName("isTranslationSupported")] public bool? IsTranslationSupported { get; set; }
}

internal sealed class ErrorAnswer
{
    [JsonPropertyName("error")] public ErrorDetail? Error { get; set; }
}

internal sealed class ErrorDetail
{
    [JsonPropertyName("code")] public int? Code { get; set; }
    [JsonPropertyName("message")] public string? Message { get; set; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<TextElement>))]
[JsonSerializable(typeof(List<TranslateAnswer?>))]
[JsonSerializable(typeof(List<DetectAnswer?>))]
[JsonSerializable(typeof(ErrorAnswer))]
internal sealed partial class TranslatorJson : JsonSerializerContext;
