using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Bot.Storage;
using MigrantHelpBot.Bot.Turns;
using MigrantHelpBot.Channels.Http;
using MigrantHelpBot.Channels.Outbox;
using MigrantHelpBot.Data;

namespace MigrantHelpBot.Channels.Webhooks;

/// <summary>A platform event as received (LINE, Messenger), to be persisted before the webhook is acknowledged.</summary>
public sealed record InboundEvent(string EventId, string UserId, string Payload);

/// <summary>
/// The durable inbox of the webhook channels. Inbound events go into the same durable queue as
/// outbound messages (the <c>outbox</c> table, channel <c>{channel}-in</c>): its unique idempotency
/// key is the platform's event id, so a redelivered event is stored once; its leases run one event
/// per user at a time, oldest first; an event whose turn failed is retried with backoff; and an event
/// leased by a host that died is picked up again when the lease runs out.
/// </summary>
public sealed class ChannelInbox(IStateStore store, OutboxSignal signal)
{
    public static string QueueOf(string channel) => channel + "-in";

    /// <summary>Stores every event in one commit (all or none); a 503 problem if storage is down, so the platform sends again.</summary>
    public async Task<IResult?> PersistAsync(string channel, IReadOnlyList<InboundEvent> events, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0) return null;
        var commit = new StateCommit();
        foreach (var e in events)
        {
            commit.Outbox.Add(new OutboxMessage($"{QueueOf(channel)}:{e.EventId}", QueueOf(channel), $"{QueueOf(channel)}/{e.UserId}", e.Payload));
        }
        try
        {
            await store.CommitAsync(commit, CancellationToken.None);
        }
        catch (StorageUnavailableException)
        {
            return Problems.Unavailable(http, "Storage is unavailable; nothing was recorded. Send the events again.");
        }
        signal.Notify();
        return null;
    }
}

/// <summary>Runs the turn of a persisted inbound event; the dispatcher marks it done only when the turn committed.</summary>
public abstract class InboundTurns(TurnRunner runner) : IOutboxSender
{
    public abstract string Channel { get; }

    /// <summary>The turn's activity, or null when the event needs no turn (an unfollow, a read receipt).</summary>
    protected abstract Task<(Activity? Activity, ITurnDelivery? Delivery)> ReadAsync(OutboxEntry entry, CancellationToken cancellationToken);

    public async Task<SendResult> SendAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        Activity? activity;
        ITurnDelivery? delivery;
        try
        {
            (activity, delivery) = await ReadAsync(entry, cancellationToken);
        }
        catch (System.Text.Json.JsonException)
        {
            return new SendResult(SendOutcome.Rejected, "The stored event is unreadable.");
        }
        if (activity is null || delivery is null) return SendResult.Delivered;
        // A turn that already ran (the host died before marking the event done) is recognised by its activity id.
        await RunAsync(activity, delivery, cancellationToken);
        return SendResult.Delivered;
    }

    protected virtual Task RunAsync(Activity activity, ITurnDelivery delivery, CancellationToken cancellationToken) =>
        runner.RunAsync(activity, delivery, cancellationToken);
}

/// <summary>Webhook signatures: HMAC-SHA256 over the raw body, compared in constant time.</summary>
public static class WebhookSignatures
{
    /// <summary>LINE's <c>x-line-signature</c>: Base64 of the HMAC with the channel secret.</summary>
    public static bool IsValidBase64(string secret, ReadOnlySpan<byte> body, string? header)
    {
        ArgumentNullException.ThrowIfNull(secret);
        if (string.IsNullOrEmpty(header)) return false;
        Span<byte> given = stackalloc byte[64];
        if (!Convert.TryFromBase64String(header, given, out var length) || length != 32) return false;
        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body, expected);
        return CryptographicOperations.FixedTimeEquals(expected, given[..length]);
    }

    /// <summary>Meta's <c>X-Hub-Signature-256: sha256=&lt;hex&gt;</c> with the app secret.</summary>
    public static bool IsValidHex(string secret, ReadOnlySpan<byte> body, string? header)
    {
        ArgumentNullException.ThrowIfNull(secret);
        const string Prefix = "sha256=";
        if (header is null || header.Length != Prefix.Length + 64 || !header.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        Span<byte> given = stackalloc byte[32];
        for (var i = 0; i < 32; i++)
        {
            if (!byte.TryParse(header.AsSpan(Prefix.Length + (2 * i), 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out given[i])) return false;
        }
        Span<byte> expected = stackalloc byte[32];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body, expected);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    public static string SignBase64(string secret, ReadOnlySpan<byte> body) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public static string SignHex(string secret, ReadOnlySpan<byte> body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}

/// <summary>What the service knows of a LINE or Messenger user: a language hint, when they last wrote, whether they still follow.</summary>
public sealed record ChannelUser(string Channel, string UserId, string? Language, bool Active, DateTimeOffset? LastInboundAt);

/// <summary>The <c>channel_users</c> table.</summary>
public sealed class ChannelUsers(Database database)
{
    public async Task<ChannelUser?> GetAsync(string channel, string userId, CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT language, active, last_inbound_at FROM channel_users WHERE channel = @channel AND user_id = @user")
            .With("channel", channel).With("user", userId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new ChannelUser(channel, userId, reader.IsDBNull(0) ? null : reader.GetString(0), Convert.ToBoolean(reader.GetValue(1), CultureInfo.InvariantCulture),
            reader.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture)));
    }

    /// <summary>The user wrote (or followed) at <paramref name="at"/>: active again; <paramref name="language"/> kept when given ("" = asked, none).</summary>
    public async Task TouchAsync(string channel, string userId, DateTimeOffset at, string? language, CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("""
            INSERT INTO channel_users (channel, user_id, language, active, last_inbound_at, updated_at) VALUES (@channel, @user, @language, @active, @at, @at)
            ON CONFLICT (channel, user_id) DO UPDATE SET active = excluded.active, updated_at = excluded.updated_at,
                language = COALESCE(excluded.language, channel_users.language),
                last_inbound_at = CASE WHEN channel_users.last_inbound_at IS NULL OR channel_users.last_inbound_at < excluded.last_inbound_at THEN excluded.last_inbound_at ELSE channel_users.last_inbound_at END
            """).With("channel", channel).With("user", userId).With("language", language).With("active", true).With("at", at.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The user blocked or unfollowed the account: inactive (their cases are kept).</summary>
    public async Task DeactivateAsync(string channel, string userId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("""
            INSERT INTO channel_users (channel, user_id, active, updated_at) VALUES (@channel, @user, @active, @at)
            ON CONFLICT (channel, user_id) DO UPDATE SET active = excluded.active, updated_at = excluded.updated_at
            """).With("channel", channel).With("user", userId).With("active", false).With("at", at.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
