using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
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
/// per user at a time, oldest first, in a lane of their own (replies are never queued behind a backlog
/// of events); an event whose turn failed is retried with backoff; and an event
/// leased by a host that died is picked up again when the lease runs out. The queue key holds the
/// user's pseudonym; their account id stays inside the sealed event.
/// </summary>
public sealed class ChannelInbox(IStateStore store, InboxSignal signal, ChannelUsers users)
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
            commit.Outbox.Add(new OutboxMessage($"{QueueOf(channel)}:{e.EventId}", QueueOf(channel), $"{QueueOf(channel)}/{users.Pseudonym(channel, e.UserId)}", e.Payload));
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

/// <summary>
/// Runs the turn of a persisted inbound event; the dispatcher marks it done only when the turn
/// committed. Also keeps the user's record: when they last wrote, and their profile's language (a
/// hint for the dialog), asked of the platform once.
/// </summary>
public abstract partial class InboundTurns(TurnRunner runner, ITurnDelivery delivery, ChannelUsers users, IHttpClientFactory httpClients, ILogger logger) : IOutboxSender
{
    protected ChannelUsers Users { get; } = users;

    protected IHttpClientFactory HttpClients { get; } = httpClients;

    /// <summary>The platform's name (<c>line</c>, <c>messenger</c>): its queue is <c>{name}-in</c>, its HTTP client has its name.</summary>
    protected abstract string Platform { get; }

    public string Channel => ChannelInbox.QueueOf(Platform);

    public bool RunsTurns => true;

    /// <summary>The turn's activity, or null when the event needs no turn (an unfollow, a read receipt).</summary>
    protected abstract Task<InboundTurn?> ReadAsync(OutboxEntry entry, CancellationToken cancellationToken);

    /// <summary>The request for the user's profile, and how to read its language from the answer.</summary>
    protected abstract HttpRequestMessage ProfileRequest(string userId);

    protected abstract Task<string?> ReadProfileLanguageAsync(HttpResponseMessage response, CancellationToken cancellationToken);

    public async Task<SendResult> SendAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        InboundTurn? turn;
        try
        {
            turn = await ReadAsync(entry, cancellationToken);
        }
        catch (JsonException)
        {
            return new SendResult(SendOutcome.Rejected, "The stored event is unreadable.");
        }
        if (turn is null) return SendResult.Delivered;
        if (Users.Limiter.Wait(entry.ConversationKey) is { } wait) return new SendResult(SendOutcome.RetryLater, Users.Limiter.Reason, wait);
        // The replies of this turn carry the account in their sealed payload (see PlatformAddress).
        PlatformAddress.Attach(turn.Activity, turn.Address);
        // A turn that already ran (the host died before marking the event done) is recognised by its activity id.
        await RunAsync(turn, cancellationToken);
        return SendResult.Delivered;
    }

    protected virtual Task RunAsync(InboundTurn turn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turn);
        return runner.RunAsync(turn.Activity, delivery, cancellationToken);
    }

    /// <summary>The pseudonym of the platform account <paramref name="address"/>: what the activity, and so every key, carries.</summary>
    protected string Pseudonym(string address) => Users.Pseudonym(Platform, address);

    /// <summary>Records that the user wrote at <paramref name="at"/> and returns their language hint (null: none).</summary>
    protected async Task<string?> TouchAsync(string pseudonym, string address, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var language = await Users.TouchAsync(Platform, pseudonym, address, at, cancellationToken);
        if (language is null && await ProfileLanguageAsync(address, cancellationToken) is { } asked)
        {
            await Users.SetLanguageAsync(Platform, pseudonym, asked, cancellationToken);
            language = asked;
        }
        return string.IsNullOrEmpty(language) ? null : language;
    }

    /// <summary>The profile's language: "" when the platform does not give one, null when it could not be asked now (asked again next time).</summary>
    private async Task<string?> ProfileLanguageAsync(string userId, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            using var request = ProfileRequest(userId);
            using var response = await HttpClients.CreateClient(Platform).SendAsync(request, timeout.Token);
            if (response.IsSuccessStatusCode) return await ReadProfileLanguageAsync(response, timeout.Token) ?? string.Empty;
            return ResilientHttp.IsTransient(response) ? null : string.Empty; // e.g. no permission for the locale: detection decides
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            LogProfileFailed(logger, Platform, exception);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Could not read a {Platform} profile; no language hint this time.")]
    private static partial void LogProfileFailed(ILogger logger, string platform, Exception exception);
}

/// <summary>A stored event's turn: its activity (under the user's pseudonym) and the user's platform account.</summary>
public sealed record InboundTurn(Activity Activity, string Address);

/// <summary>
/// The platform account of the user a turn answers, beside the turn's activity in memory only (never serialised with it):
/// a reply carries it in its sealed payload, so it goes out even if the user's record is deleted meanwhile (the goodbye
/// after "delete my data"). Proactive messages have none and look it up (<see cref="ChannelUsers.AddressAsync"/>).
/// </summary>
public static class PlatformAddress
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Activity, string> Addresses = [];

    public static void Attach(Activity activity, string address) => Addresses.AddOrUpdate(activity, address);

    public static string? Of(Activity activity) => Addresses.TryGetValue(activity, out var address) ? address : null;
}

/// <summary>What every signed webhook does first: 404 while the channel is off, the raw body read, the signature checked before anything is parsed (401), then the JSON read (400).</summary>
public static class SignedWebhook
{
    public const int MaxBodyBytes = 1024 * 1024;

    public static async Task<(T? Body, IResult? Problem)> ReadAsync<T>(
        HttpContext http, string platform, bool enabled, string signatureHeader, Func<byte[], string, bool> isSigned, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(isSigned);
        if (!enabled) return (null, Problems.NotFound($"{platform} is not configured on this service."));
        var (body, problem) = await JsonBody.ReadRawAsync(http.Request, MaxBodyBytes);
        if (problem is not null) return (null, problem);
        if (!isSigned(body!, http.Request.Headers[signatureHeader].ToString()))
        {
            return (null, Problems.Unauthorized($"The {signatureHeader} header is missing or does not match the body."));
        }
        return JsonBody.Parse(body, typeInfo);
    }

    /// <summary>One event of a batch, or null when it is not an object of that shape.</summary>
    public static T? Event<T>(JsonElement element, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        try
        {
            return element.ValueKind == JsonValueKind.Object ? element.Deserialize(typeInfo) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
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

/// <summary>
/// What the service knows of a LINE or Messenger user, under their pseudonym (<see cref="Pseudonyms"/>): a language hint,
/// when they last wrote, whether they still follow, and their platform account (<see cref="Address"/>), kept sealed.
/// </summary>
public sealed record ChannelUser(string Channel, string UserId, string? Language, bool Active, DateTimeOffset? LastInboundAt, string? Address);

/// <summary>The <c>channel_users</c> table.</summary>
public sealed class ChannelUsers(Database database, UserTurnLimiter limiter)
{
    /// <summary>How fast a user's messages become turns (see <see cref="UserTurnLimiter"/>).</summary>
    public UserTurnLimiter Limiter { get; } = limiter;

    /// <summary>The pseudonym every key holds for <paramref name="accountId"/> on <paramref name="channel"/>.</summary>
    public string Pseudonym(string channel, string accountId) => database.Pseudonyms.Of(channel, accountId);

    /// <summary>The user of <paramref name="userId"/> (a pseudonym, or an account id stored before pseudonyms existed).</summary>
    public async Task<ChannelUser?> GetAsync(string channel, string userId, CancellationToken cancellationToken)
    {
        var pseudonym = database.Pseudonyms.Normalize(channel, userId);
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT language, active, last_inbound_at, address FROM channel_users WHERE channel = @channel AND user_id = @user")
            .With("channel", channel).With("user", pseudonym);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return new ChannelUser(channel, pseudonym, reader.IsDBNull(0) ? null : reader.GetString(0), Convert.ToBoolean(reader.GetValue(1), CultureInfo.InvariantCulture),
            reader.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture)),
            reader.IsDBNull(3) ? null : database.Cipher.Unprotect(reader.GetString(3), SealedColumns.ChannelAddress));
    }

    /// <summary>
    /// The platform account to send to for <paramref name="userId"/>: <paramref name="known"/> when the message carries it,
    /// the id itself when it was stored before pseudonyms existed, else the sealed address; null when the user's record is
    /// gone (they deleted their data).
    /// </summary>
    public async Task<string?> AddressAsync(string channel, string userId, string? known, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(known)) return known;
        if (!Pseudonyms.IsPseudonym(userId)) return userId;
        return (await GetAsync(channel, userId, cancellationToken))?.Address;
    }

    /// <summary>
    /// The user of <paramref name="pseudonym"/> (whose account is <paramref name="address"/>) wrote or followed at
    /// <paramref name="at"/>: active again, last message moved on, address kept. One statement, which also returns their
    /// language hint ("" = the platform gave none; null = never asked).
    /// </summary>
    public async Task<string?> TouchAsync(string channel, string pseudonym, string address, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("""
            INSERT INTO channel_users (channel, user_id, active, last_inbound_at, updated_at, address) VALUES (@channel, @user, @active, @at, @at, @address)
            ON CONFLICT (channel, user_id) DO UPDATE SET active = excluded.active, updated_at = excluded.updated_at, address = excluded.address,
                last_inbound_at = CASE WHEN channel_users.last_inbound_at IS NULL OR channel_users.last_inbound_at < excluded.last_inbound_at THEN excluded.last_inbound_at ELSE channel_users.last_inbound_at END
            RETURNING language
            """).With("channel", channel).With("user", pseudonym).With("active", true).With("at", at.ToUnixTimeMilliseconds())
            .With("address", database.Cipher.Protect(address, SealedColumns.ChannelAddress));
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task SetLanguageAsync(string channel, string pseudonym, string language, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("UPDATE channel_users SET language = @language WHERE channel = @channel AND user_id = @user")
            .With("language", language).With("channel", channel).With("user", pseudonym);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The user blocked or unfollowed the account: inactive (their cases are kept).</summary>
    public async Task DeactivateAsync(string channel, string pseudonym, string address, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("""
            INSERT INTO channel_users (channel, user_id, active, updated_at, address) VALUES (@channel, @user, @active, @at, @address)
            ON CONFLICT (channel, user_id) DO UPDATE SET active = excluded.active, updated_at = excluded.updated_at
            """).With("channel", channel).With("user", pseudonym).With("active", false).With("at", at.ToUnixTimeMilliseconds())
            .With("address", database.Cipher.Protect(address, SealedColumns.ChannelAddress));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
