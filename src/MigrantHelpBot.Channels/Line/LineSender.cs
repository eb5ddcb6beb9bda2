using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using MigrantHelpBot.Bot.Storage;
using MigrantHelpBot.Channels.Outbox;
using MigrantHelpBot.Channels.Webhooks;
using Polly;

namespace MigrantHelpBot.Channels.Line;

/// <summary>
/// Sends LINE outbox entries: by reply token while it is fresh (free), otherwise by push with an
/// <c>X-Line-Retry-Key</c> that every attempt reuses (409 = already delivered). A reply token reported
/// invalid after an attempt whose outcome was unknown was used by that attempt: delivered, not pushed
/// again. A push goes to the LINE user id the entry carries or, for a proactive message, the one sealed
/// in the user's record. LINE's own pipeline (timeout, retries with jitter, Retry-After, breaker).
/// </summary>
internal sealed class LineSender(IHttpClientFactory httpClients, ChannelUsers users, IOptions<LineOptions> options, TimeProvider clock) : IOutboxSender
{
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline = ResilientHttp.Pipeline(options.Value.SendTimeout);

    public string Channel => LineDelivery.Channel;

    public async Task<SendResult> SendAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var settings = options.Value;
        if (!settings.Enabled) return new SendResult(SendOutcome.Rejected, "LINE is not configured.");
        if (ResilientHttp.Read(entry, LineJson.Default.LineSend) is not { Messages.Count: > 0 } send) return new SendResult(SendOutcome.Rejected, "The outbox entry is unreadable.");
        var http = httpClients.CreateClient(LineInbound.HttpClientName);
        var api = settings.ApiBaseUrl.TrimEnd('/');

        return await ResilientHttp.GuardAsync(async () =>
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
                if (replied.StatusCode != HttpStatusCode.BadRequest || (await ReasonAsync(replied))?.Contains("reply token", StringComparison.OrdinalIgnoreCase) != true)
                {
                    return await ResilientHttp.ClassifyAsync(replied, ReasonAsync);
                }
                // Fresh and yet invalid: an earlier attempt of ours whose answer was lost used it.
                if (attempts > 1 || entry.Attempts > 0) return SendResult.Delivered;
                // Otherwise LINE no longer takes it: push instead.
            }

            if (await users.AddressAsync(Channel, send.To, send.Address, cancellationToken) is not { } address)
            {
                return new SendResult(SendOutcome.Rejected, "The worker's LINE account is no longer stored here (they deleted their data).");
            }
            using var pushed = await _pipeline.ExecuteAsync(async ct =>
            {
                using var request = Request($"{api}/v2/bot/message/push", JsonContent.Create(new LinePushRequest(address, send.Messages), LineJson.Default.LinePushRequest));
                request.Headers.Add("X-Line-Retry-Key", send.RetryKey);
                return await http.SendAsync(request, ct);
            }, cancellationToken);
            return pushed.StatusCode == HttpStatusCode.Conflict ? SendResult.Delivered : await ResilientHttp.ClassifyAsync(pushed, ReasonAsync);
        }, cancellationToken);
    }

    private HttpRequestMessage Request(string url, HttpContent content)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.ChannelAccessToken);
        return request;
    }

    /// <summary>LINE's error message (<c>{"message"}</c>).</summary>
    private static async Task<string?> ReasonAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync(LineJson.Default.LineError))?.Message;
}
