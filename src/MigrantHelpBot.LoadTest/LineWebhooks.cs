using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MigrantHelpBot.LoadTest;

/// <summary>
/// Signed LINE webhook requests, one text message event each. Webhook <c>n</c> comes from user
/// <c>n mod users</c>, who says step <c>(n / users) mod 9</c> of <see cref="ConsultationScript"/>, so
/// every user replays the consultation a message at a time. Its reply token carries <c>n</c>, so the
/// fake LINE API can tell which webhook a reply answers. Each request is sent on its own (HttpClient,
/// a pool of keep-alive connections that grows as needed): a slow answer never holds the next one back.
/// </summary>
internal sealed class LineWebhooks : IDisposable
{
    public const int ReplyTokenLength = 32;
    private const string Destination = "U0000000000000000000000000000b07a";

    private static readonly string[] Texts = [.. ConsultationScript.Cycle.Select(t => $"\"{JsonEncodedText.Encode(t, JavaScriptEncoder.UnsafeRelaxedJsonEscaping)}\"")];

    private readonly HttpClient _http;
    private readonly Uri _url;
    private readonly byte[] _key;
    private readonly string _runId;
    private readonly string _prefix;
    private readonly int _users;
    private readonly TimeSpan _timeout;
    private readonly long[] _sentAt;
    private readonly long[] _ackTicks;
    private readonly byte[] _outcomes;
    private int _pending;
    private string? _lastError;

    public LineWebhooks(LoadOptions options, string prefix, long capacity)
    {
        ArgumentNullException.ThrowIfNull(options);
        _url = options.Url;
        _key = Encoding.UTF8.GetBytes(options.Secret!);
        _runId = options.RunId;
        _prefix = prefix;
        _users = options.Users;
        _timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);
        _sentAt = new long[capacity];
        _ackTicks = new long[capacity];
        _outcomes = new byte[capacity];
        _http = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = 1024,
            ConnectTimeout = _timeout,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>Requests sent and not yet answered (or failed).</summary>
    public int Pending => Volatile.Read(ref _pending);

    public string? LastError => Volatile.Read(ref _lastError);

    /// <summary>When webhook <paramref name="sequence"/> was sent (<see cref="Stopwatch"/> ticks).</summary>
    public long SentAt(long sequence) => _sentAt[sequence];

    /// <summary>From sending webhook <paramref name="sequence"/> to the end of its acknowledgement (ticks).</summary>
    public long AckTicks(long sequence) => Volatile.Read(ref _ackTicks[sequence]);

    public Outcome OutcomeOf(long sequence) => (Outcome)Volatile.Read(ref _outcomes[sequence]);

    /// <summary>Whether webhook <paramref name="sequence"/> has its acknowledgement (or failed).</summary>
    public bool Done(long sequence) => Volatile.Read(ref _ackTicks[sequence]) != 0;

    /// <summary>The reply token of webhook <paramref name="sequence"/>: the run's prefix and the sequence number, in hex.</summary>
    public static string ReplyToken(string prefix, long sequence) => string.Create(CultureInfo.InvariantCulture, $"{prefix}{sequence:x24}");

    /// <summary>An 8-hex-digit prefix for reply tokens and user ids, from the run id (never a LINE dummy token).</summary>
    public static string PrefixOf(string runId)
    {
        var prefix = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(runId)).AsSpan(0, 4));
        return prefix is "00000000" or "ffffffff" ? "1" + prefix[1..] : prefix;
    }

    /// <summary>The console's connection check (no events, so nothing is stored): is the webhook there, and is the secret right?</summary>
    public async Task<string?> ProbeAsync()
    {
        try
        {
            using var response = await PostAsync(Encoding.UTF8.GetBytes($$"""{"destination":"{{Destination}}","events":[]}"""), CancellationToken.None);
            return response.StatusCode switch
            {
                HttpStatusCode.OK => null,
                HttpStatusCode.NotFound => "404: is LINE on in the host (Line:ChannelSecret and Line:ChannelAccessToken)?",
                HttpStatusCode.Unauthorized => "401: the signature does not match; is --secret the host's Line:ChannelSecret?",
                var status => $"HTTP {(int)status}",
            };
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
        {
            return exception.Message;
        }
    }

    /// <summary>Sends webhook <paramref name="sequence"/> now; the answer is recorded when it comes.</summary>
    public void Send(long sequence)
    {
        var body = Render(sequence);
        Interlocked.Increment(ref _pending);
        var start = Stopwatch.GetTimestamp();
        _sentAt[sequence] = start;
        _ = SendAsync(sequence, body, start);
    }

    private async Task SendAsync(long sequence, byte[] body, long start)
    {
        Outcome outcome;
        using var timeout = new CancellationTokenSource(_timeout);
        try
        {
            using var response = await PostAsync(body, timeout.Token);
            await response.Content.LoadIntoBufferAsync(timeout.Token);
            outcome = response.StatusCode == HttpStatusCode.OK ? Outcome.Ok : Outcome.BadStatus;
            if (outcome != Outcome.Ok) Volatile.Write(ref _lastError, $"HTTP {(int)response.StatusCode}");
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            outcome = Outcome.Timeout;
            Volatile.Write(ref _lastError, "a webhook timed out");
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException or OperationCanceledException)
        {
            outcome = Outcome.Io;
            Volatile.Write(ref _lastError, exception.Message);
        }
        var end = Stopwatch.GetTimestamp();
        Volatile.Write(ref _outcomes[sequence], (byte)outcome);
        Volatile.Write(ref _ackTicks[sequence], Math.Max(1, end - start));
        Interlocked.Decrement(ref _pending);
    }

    private async Task<HttpResponseMessage> PostAsync(byte[] body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("x-line-signature", Convert.ToBase64String(HMACSHA256.HashData(_key, body)));
        return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    private byte[] Render(long sequence)
    {
        var user = sequence % _users;
        var step = (int)(sequence / _users % Texts.Length);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $$"""
            {"destination":"{{Destination}}","events":[{"type":"message","message":{"type":"text","id":"{{sequence + 1}}","quoteToken":"q{{_prefix}}{{sequence:x}}","text":{{Texts[step]}}},"webhookEventId":"lt-{{_runId}}-{{sequence}}","deliveryContext":{"isRedelivery":false},"timestamp":{{now}},"source":{"type":"user","userId":"U{{_prefix}}{{user:x24}}"},"replyToken":"{{ReplyToken(_prefix, sequence)}}","mode":"active"}]}
            """));
    }

    public void Dispose() => _http.Dispose();
}
