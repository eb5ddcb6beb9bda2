using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Bot.Storage;
using MigrantHelpBot.Channels.Outbox;
using Polly;

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
        var payload = ResilientHttp.Read(entry, ConnectorJsonContext.Default.ConnectorPayload);
        if (payload is null || !Uri.TryCreate(payload.ServiceUrl, UriKind.Absolute, out var serviceUrl))
        {
            return new SendResult(SendOutcome.Rejected, "The outbox entry has no valid serviceUrl.");
        }

        var url = $"{serviceUrl.ToString().TrimEnd('/')}/v3/conversations/{Uri.EscapeDataString(payload.ConversationId)}/activities";
        if (payload.Activity.ReplyToId is { Length: > 0 } replyToId) url += "/" + Uri.EscapeDataString(replyToId);
        var body = JsonSerializer.Serialize(payload.Activity, BotJsonContext.Wire.Activity);
        var http = _httpClients.CreateClient(nameof(ConnectorSender));

        return await ResilientHttp.GuardAsync(async () =>
        {
            var authorization = await _tokens.GetAsync(cancellationToken);
            using var response = await _pipeline.ExecuteAsync(async ct =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                request.Headers.Authorization = authorization;
                return await http.SendAsync(request, ct);
            }, cancellationToken);
            return ResilientHttp.Classify(response);
        }, cancellationToken);
    }
}
