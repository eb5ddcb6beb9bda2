using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using MigrantHelpBot.Bot.Storage;
using MigrantHelpBot.Channels.Connector;
using MigrantHelpBot.Channels.Outbox;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace MigrantHelpBot.Channels.Line;

/// <summary>
/// Sends LINE outbox entries: by reply token while it is fresh (free), otherwise by push with an
/// <c>X-Line-Retry-Key</c> that every attempt reuses (409 = already delivered). A reply token reported
/// invalid after an attempt whose outcome was unknown was used by that attempt: delivered, not pushed
/// again. LINE's own pipeline (timeout, retries with jitter, Retry-After, breaker).
/// </summary>
internal sealed class LineSender(IHttpClientFactory httpClients, IOptions<LineOptions> options, TimeProvider clock) : IOutboxSender
{
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline = ResilientHttp.Pipeline(options.Value.SendTimeout);

    public string Channel => LineDelivery.Channel;

    public async Task<SendResult> SendAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var settings = options.Value;
        if (!settings.Enabled) return new SendResult(SendOutcome.Rejected, "LINE is not configured.");
        LineSend? send;
        try
        {
            send = JsonSerializer.Deserialize(entry.Payload, LineJson.Default.LineSend);
        }
        catch (JsonException)
        {
            send = null;
        }
        if (send is null || send.Messages.Count == 0) return new SendResult(SendOutcome.Rejected, "The outbox entry is unreadable.");
        var http = httpClients.CreateClient(LineInbound.HttpClientName);
        var api = settings.ApiBaseUrl.TrimEnd('/');

        try
        {
            var age = clock.GetUtcNow() - DateTimeOffset.FromUnixTimeMilliseconds(send.ReceivedAt);
            if (send.ReplyToken is { } token && age < settings.ReplyTokenLifetime)
            {
                var attempts = 0;
                using var replied = await _pipeline.ExecuteAsync(async ct =>
                {
                    attempts++;
                    using var request = Request($"{api}/v2/bot/message/reply", JsonContent.Create(new LineReplyRequest(token, send.Messages), LineJson.Default.LineReplyRequest));
                    return await http.SendAsync(request, ct);
                }, cancellationToken);
                if (replied.IsSuccessStatusCode) return SendResult.Delivered;
                if (replied.StatusCode == HttpStatusCode.BadRequest && (await ErrorAsync(replied)).Contains("reply token", StringComparison.OrdinalIgnoreCase))
                {
                    // Fresh and yet invalid: an earlier attempt of ours whose answer was lost used it.
                    if (attempts > 1 || entry.Attempts > 0) return SendResult.Delivered;
                    // Otherwise LINE no longer takes it: push instead.
                }
                else
                {
                    return await ClassifyAsync(replied);
                }
            }

            using var pushed = await _pipeline.ExecuteAsync(async ct =>
            {
                using var request = Request($"{api}/v2/bot/message/push", JsonContent.Create(new LinePushRequest(send.To, send.Messages), LineJson.Default.LinePushRequest));
                request.Headers.Add("X-Line-Retry-Key", send.RetryKey);
                return await http.SendAsync(request, ct);
            }, cancellationToken);
            return pushed.StatusCode == HttpStatusCode.Conflict ? SendResult.Delivered : await ClassifyAsync(pushed);
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

    private HttpRequestMessage Request(string url, HttpContent content)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.ChannelAccessToken);
        return request;
    }

    private static async Task<SendResult> ClassifyAsync(HttpResponseMessage response)
    {
        var result = ResilientHttp.Classify(response);
        return result.Outcome == SendOutcome.Rejected ? result with { Error = $"{result.Error}: {await ErrorAsync(response)}" } : result;
    }

    /// <summary>LINE's error message (it names the problem, never the user's text).</summary>
    private static async Task<string> ErrorAsync(HttpResponseMessage response)
    {
        try
        {
            var error = await response.Content.ReadFromJsonAsync(LineJson.Default.LineError);
            return error?.Message ?? string.Empty;
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException or HttpRequestException)
        {
            return string.Empty;
        }
    }
}
