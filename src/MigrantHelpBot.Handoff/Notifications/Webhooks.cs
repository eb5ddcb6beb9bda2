using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using MigrantHelpBot.Bot.Storage;
using MigrantHelpBot.Channels.Outbox;
using MigrantHelpBot.Data;
using MigrantHelpBot.Handoff.Cases;

namespace MigrantHelpBot.Handoff.Notifications;

/// <summary>
/// What an organisation's own system is told: that a case was offered to it, withdrawn from it, or
/// closed. Only the case id, category, urgency, language and prefecture — never what the worker wrote.
/// </summary>
public sealed record CaseNotification
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    [JsonPropertyName("type")] public required string Type { get; init; }
    [JsonPropertyName("caseId")] public required string CaseId { get; init; }
    [JsonPropertyName("organizationId")] public required string OrganizationId { get; init; }
    [JsonPropertyName("category")] public string? Category { get; init; }
    [JsonPropertyName("urgency")] public required string Urgency { get; init; }
    [JsonPropertyName("language")] public required string Language { get; init; }
    [JsonPropertyName("prefecture")] public string? Prefecture { get; init; }
    [JsonPropertyName("reason")] public string? Reason { get; init; }
    [JsonPropertyName("offerExpiresAt")] public DateTimeOffset? OfferExpiresAt { get; init; }
    [JsonPropertyName("at")] public required DateTimeOffset At { get; init; }

    public const string Offered = "case.offered";
    public const string Withdrawn = "case.withdrawn";
    public const string Closed = "case.closed";

    /// <summary>Why a case was withdrawn from (or offered to) an organisation, or closed.</summary>
    public static class Reasons
    {
        public const string OfferExpired = "offer_expired";
        public const string Transferred = "transferred";
        public const string HubFailed = "hub_failed";
        public const string ClosedByWorker = "closed_by_worker";
        public const string WorkerDeletedData = "worker_deleted_data";
    }
}

/// <summary>An outbox entry for the webhook sender: where to, and the exact body to sign.</summary>
internal sealed record WebhookDelivery(
    [property: JsonPropertyName("url")] string Url,
    [property: JsonPropertyName("organizationId")] string OrganizationId,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("body")] string Body);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CaseNotification))]
[JsonSerializable(typeof(WebhookDelivery))]
internal sealed partial class WebhookJson : JsonSerializerContext;

/// <summary>Each organisation's signing secret, made on first use and kept in the settings table (shared by replicas).</summary>
public sealed class WebhookSecrets(SettingsStore settings)
{
    private static string Key(string organizationId) => "webhook.secret." + organizationId;

    public Task<string> GetAsync(string organizationId, CancellationToken cancellationToken) =>
        settings.GetOrCreateAsync(Key(organizationId), NewSecret, cancellationToken);

    public async Task<string> RotateAsync(string organizationId, CancellationToken cancellationToken)
    {
        var secret = NewSecret();
        await settings.SetAsync(Key(organizationId), secret, cancellationToken);
        return secret;
    }

    private static string NewSecret() => "whsec_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}

/// <summary>
/// Tells an organisation about a case, in the case's transaction (so only if the change is committed):
/// always as a notice in its console and <c>GET /api/notices</c> (so an organisation without a webhook
/// learns too that an offer moved on), and as a signed webhook call if it has a webhook URL.
/// </summary>
public static class OrganizationNotifier
{
    public const string Channel = "webhook";

    public static async Task NotifyAsync(CaseTransaction transaction, CaseRecord record, OrganizationInfo? organization, string type, DateTimeOffset at, CancellationToken cancellationToken, string? reason = null)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(record);
        if (organization is null) return;
        var id = $"{record.Id}.{record.Version}.{type}.{organization.Id}";
        var notification = new CaseNotification
        {
            Id = id,
            Type = type,
            CaseId = record.Id,
            OrganizationId = organization.Id,
            Category = record.Category,
            Urgency = record.Urgency,
            Language = record.Language,
            Prefecture = record.Prefecture,
            Reason = reason,
            OfferExpiresAt = type == CaseNotification.Offered ? record.OfferExpiresAt : null,
            At = at,
        };
        await transaction.AddOrganizationNoticeAsync(notification, cancellationToken);
        if (organization.WebhookUrl is not { Length: > 0 } url) return;
        var body = JsonSerializer.Serialize(notification, WebhookJson.Default.CaseNotification);
        var delivery = new WebhookDelivery(url, organization.Id, type, id, body);
        // One queue per organisation: its notifications arrive in order, and a broken endpoint holds up only its own.
        await transaction.EnqueueAsync("webhook:" + id, Channel, "webhook/" + organization.Id, JsonSerializer.Serialize(delivery, WebhookJson.Default.WebhookDelivery), cancellationToken);
    }
}

/// <summary>
/// Sends webhook notifications from the outbox. Each attempt is signed afresh:
/// <c>X-MigrantHelpBot-Signature: sha256=hex(HMAC-SHA256(secret, "{timestamp}.{body}"))</c> with
/// <c>X-MigrantHelpBot-Timestamp</c> (Unix seconds), so a receiver can reject old or replayed calls.
/// 2xx delivered; 408, 429 and 5xx retried (Retry-After honoured) by the outbox with backoff; other 4xx recorded as rejected.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory httpClients, WebhookSecrets secrets, IOptions<HandoffOptions> options, TimeProvider clock) : IOutboxSender
{
    public const string HttpClientName = "webhooks";
    public const string SignatureHeader = "X-MigrantHelpBot-Signature";
    public const string TimestampHeader = "X-MigrantHelpBot-Timestamp";
    public const string EventHeader = "X-MigrantHelpBot-Event";
    public const string DeliveryHeader = "X-MigrantHelpBot-Delivery";

    public string Channel => OrganizationNotifier.Channel;

    public static string Sign(string secret, long timestamp, string body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp.ToString(CultureInfo.InvariantCulture)}.{body}"));
        return "sha256=" + Convert.ToHexStringLower(mac);
    }

    public async Task<SendResult> SendAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var delivery = ResilientHttp.Read(entry, WebhookJson.Default.WebhookDelivery);
        if (delivery is null || !Uri.TryCreate(delivery.Url, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http"))
        {
            return new SendResult(SendOutcome.Rejected, "The notification entry is unreadable or has no usable URL.");
        }

        var secret = await secrets.GetAsync(delivery.OrganizationId, cancellationToken);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(delivery.Body, Encoding.UTF8, "application/json") };
        request.Headers.Add(TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(SignatureHeader, Sign(secret, timestamp, delivery.Body));
        request.Headers.Add(EventHeader, delivery.Type);
        request.Headers.Add(DeliveryHeader, delivery.Id);

        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(options.Value.WebhookTimeout);
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, attempt.Token);
            return ResilientHttp.Classify(response);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new SendResult(SendOutcome.RetryLater, "timed out");
        }
        catch (HttpRequestException exception)
        {
            return new SendResult(SendOutcome.RetryLater, exception.HttpRequestError.ToString());
        }
    }
}
