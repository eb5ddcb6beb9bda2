using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using MigrantHelpBot.Data;

namespace MigrantHelpBot.Channels.DirectLine;

/// <summary>What a Direct Line token grants: one conversation, as one user, until it expires.</summary>
public sealed record DirectLineGrant(string ConversationId, string UserId, string? UserName, DateTimeOffset Expires);

/// <summary>
/// Issues and checks Direct Line tokens: <c>dl1.{claims}.{HMAC-SHA256}</c>, base64url. A token is
/// bound to its conversation; the signing key comes from configuration or is generated once.
/// </summary>
public sealed class DirectLineTokens(SettingsStore settings, IOptions<DirectLineOptions> options, TimeProvider clock)
{
    private const string Prefix = "dl1.";
    private byte[]? _key;

    public async Task<(string Token, int ExpiresIn)> IssueAsync(string conversationId, string userId, string? userName, CancellationToken cancellationToken)
    {
        var lifetime = options.Value.TokenLifetime;
        var claims = new TokenClaims
        {
            Conversation = conversationId,
            User = userId,
            Name = userName,
            Expires = clock.GetUtcNow().Add(lifetime).ToUnixTimeSeconds(),
        };
        var body = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(claims, DirectLineJsonContext.Default.TokenClaims));
        var signature = Base64Url.EncodeToString(HMACSHA256.HashData(await KeyAsync(cancellationToken), System.Text.Encoding.ASCII.GetBytes(body)));
        return ($"{Prefix}{body}.{signature}", (int)lifetime.TotalSeconds);
    }

    /// <summary>The grant, or null when the token is malformed, forged or expired.</summary>
    public async Task<DirectLineGrant?> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        if (!token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length > 2048) return null;
        var parts = token[Prefix.Length..].Split('.');
        if (parts.Length != 2) return null;
        try
        {
            var expected = HMACSHA256.HashData(await KeyAsync(cancellationToken), System.Text.Encoding.ASCII.GetBytes(parts[0]));
            if (!CryptographicOperations.FixedTimeEquals(expected, Base64Url.DecodeFromChars(parts[1]))) return null;
            var claims = JsonSerializer.Deserialize(Base64Url.DecodeFromChars(parts[0]), DirectLineJsonContext.Default.TokenClaims);
            if (claims?.Conversation is null || claims.User is null) return null;
            var expires = DateTimeOffset.FromUnixTimeSeconds(claims.Expires);
            return expires <= clock.GetUtcNow() ? null : new DirectLineGrant(claims.Conversation, claims.User, claims.Name, expires);
        }
        catch (Exception exception) when (exception is FormatException or JsonException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private async Task<byte[]> KeyAsync(CancellationToken cancellationToken)
    {
        if (_key is not null) return _key;
        var configured = options.Value.TokenSigningKey;
        var encoded = configured is { Length: > 0 }
            ? configured
            : await settings.GetOrCreateAsync("directline.token-signing-key", () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), cancellationToken);
        var key = Convert.FromBase64String(encoded);
        if (key.Length < 32) throw new InvalidOperationException("DirectLine:TokenSigningKey must be base64 of at least 32 bytes.");
        return _key = key;
    }

    internal sealed class TokenClaims
    {
        [JsonPropertyName("c")] public string? Conversation { get; set; }
        [JsonPropertyName("u")] public string? User { get; set; }
        [JsonPropertyName("n")] public string? Name { get; set; }
        [JsonPropertyName("e")] public long Expires { get; set; }
    }
}
