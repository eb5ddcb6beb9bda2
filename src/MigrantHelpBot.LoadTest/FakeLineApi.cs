using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace MigrantHelpBot.LoadTest;

/// <summary>
/// The part of the LINE Messaging API the host calls, on 127.0.0.1 only: reply, push, profile and
/// loading animation, each answered 200 at once. A reply is matched to its webhook by the reply token
/// (<see cref="LineWebhooks.ReplyToken"/> carries the webhook's sequence number); every reply and push
/// is kept with its arrival time (<see cref="Stopwatch"/> ticks).
/// </summary>
internal sealed class FakeLineApi : IAsyncDisposable
{
    private static readonly byte[] Empty = "{}"u8.ToArray();

    private readonly WebApplication _app;
    private readonly string _tokenPrefix;
    private readonly long[] _replyAt;
    private readonly Lock _lock = new();
    private readonly List<long> _replyTimes = new(64 * 1024);
    private readonly List<long> _pushTimes = [];
    private long _messages;
    private long _profiles;
    private long _loadings;
    private long _duplicates;
    private long _foreign;
    private long _unauthorized;
    private long _other;

    public FakeLineApi(int port, string tokenPrefix, long webhooks)
    {
        _tokenPrefix = tokenPrefix;
        _replyAt = new long[webhooks];
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, port);
        });
        _app = builder.Build();
        _app.Run(HandleAsync);
    }

    /// <summary>The arrival time of the reply to webhook <paramref name="sequence"/>, 0 if none came.</summary>
    public long ReplyAt(long sequence) => Volatile.Read(ref _replyAt[sequence]);

    public long Messages => Interlocked.Read(ref _messages);
    public long Profiles => Interlocked.Read(ref _profiles);
    public long Loadings => Interlocked.Read(ref _loadings);
    public long Duplicates => Interlocked.Read(ref _duplicates);
    public long Foreign => Interlocked.Read(ref _foreign);
    public long Unauthorized => Interlocked.Read(ref _unauthorized);
    public long Other => Interlocked.Read(ref _other);

    /// <summary>Arrival times of every reply and every push call so far, sorted.</summary>
    public (long[] Replies, long[] Pushes) Calls()
    {
        long[] replies, pushes;
        lock (_lock)
        {
            replies = [.. _replyTimes];
            pushes = [.. _pushTimes];
        }
        Array.Sort(replies);
        Array.Sort(pushes);
        return (replies, pushes);
    }

    public Task StartAsync() => _app.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext http)
    {
        var at = Stopwatch.GetTimestamp();
        var request = http.Request;
        if (!request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal)) Interlocked.Increment(ref _unauthorized);
        var path = request.Path.Value ?? string.Empty;
        var post = HttpMethods.IsPost(request.Method);
        if (post && path == "/v2/bot/message/reply")
        {
            var (token, messages) = await ReadSendAsync(http, "replyToken");
            if (token is null)
            {
                http.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }
            Interlocked.Add(ref _messages, messages);
            lock (_lock) _replyTimes.Add(at);
            if (TryParseToken(token, out var sequence))
            {
                if (Interlocked.CompareExchange(ref _replyAt[sequence], at, 0) != 0) Interlocked.Increment(ref _duplicates);
            }
            else
            {
                Interlocked.Increment(ref _foreign);
            }
            await OkAsync(http, Empty);
        }
        else if (post && path == "/v2/bot/message/push")
        {
            var (to, messages) = await ReadSendAsync(http, "to");
            if (to is null)
            {
                http.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }
            Interlocked.Add(ref _messages, messages);
            lock (_lock) _pushTimes.Add(at);
            await OkAsync(http, Empty);
        }
        else if (HttpMethods.IsGet(request.Method) && path.StartsWith("/v2/bot/profile/", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _profiles);
            // No "language": the user did not share it, so the dialog asks, as with Direct Line.
            var userId = Uri.UnescapeDataString(path["/v2/bot/profile/".Length..]);
            await OkAsync(http, JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["userId"] = userId, ["displayName"] = "Load test" }));
        }
        else if (post && path == "/v2/bot/chat/loading/start")
        {
            Interlocked.Increment(ref _loadings);
            await OkAsync(http, Empty);
        }
        else
        {
            Interlocked.Increment(ref _other);
            http.Response.StatusCode = StatusCodes.Status404NotFound;
        }
    }

    /// <summary>The string property <paramref name="key"/> and the length of "messages", or (null, 0) if the body is not such JSON.</summary>
    private static async Task<(string? Key, int Messages)> ReadSendAsync(HttpContext http, string key)
    {
        try
        {
            using var body = await JsonDocument.ParseAsync(http.Request.Body, default, http.RequestAborted);
            var root = body.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(key, out var value) || value.ValueKind != JsonValueKind.String) return (null, 0);
            var messages = root.TryGetProperty("messages", out var list) && list.ValueKind == JsonValueKind.Array ? list.GetArrayLength() : 0;
            return (value.GetString(), messages);
        }
        catch (JsonException)
        {
            return (null, 0);
        }
    }

    private bool TryParseToken(string token, out long sequence)
    {
        sequence = -1;
        return token.Length == LineWebhooks.ReplyTokenLength
            && token.StartsWith(_tokenPrefix, StringComparison.Ordinal)
            && long.TryParse(token.AsSpan(_tokenPrefix.Length), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out sequence)
            && sequence >= 0 && sequence < _replyAt.Length;
    }

    private static Task OkAsync(HttpContext http, byte[] body)
    {
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/json";
        http.Response.ContentLength = body.Length;
        return http.Response.Body.WriteAsync(body, 0, body.Length, http.RequestAborted);
    }
}
