using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MigrantHelpBot.Channels.Connector;

/// <summary>
/// Validates the JWT a Bot Framework channel sends with each activity: RS256/384/512 signature by a
/// key from the configured OpenID metadata, issuer, audience (our app id), lifetime with clock skew,
/// the key's endorsement of the activity's channel, and the serviceurl claim.
/// </summary>
internal sealed partial class ChannelAuthenticator(OpenIdKeys keys, IOptions<ConnectorOptions> options, TimeProvider clock, ILogger<ChannelAuthenticator> logger)
{
    /// <summary>Null when the token is valid; otherwise why it is not (logged, not shown to the caller).</summary>
    public async Task<string?> ValidateAsync(string? authorization, string? channelId, string? serviceUrl, CancellationToken cancellationToken)
    {
        var reason = await CheckAsync(authorization, channelId, serviceUrl, cancellationToken);
        if (reason is not null) LogRejected(reason);
        return reason;
    }

    private async Task<string?> CheckAsync(string? authorization, string? channelId, string? serviceUrl, CancellationToken cancellationToken)
    {
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return "no bearer token";
        var parts = authorization[7..].Trim().Split('.');
        if (parts.Length != 3) return "not a JWS compact token";

        JwtHeader? header;
        JsonElement payload;
        byte[] signature;
        try
        {
            header = JsonSerializer.Deserialize(Base64Url.DecodeFromChars(parts[0]), AuthJsonContext.Default.JwtHeader);
            payload = JsonSerializer.Deserialize(Base64Url.DecodeFromChars(parts[1]), AuthJsonContext.Default.JsonElement);
            signature = Base64Url.DecodeFromChars(parts[2]);
        }
        catch (Exception exception) when (exception is FormatException or JsonException)
        {
            return "token is not base64url JSON";
        }
        if (header?.Kid is null || payload.ValueKind != JsonValueKind.Object) return "token has no key id or claims";

        var hash = header.Alg switch
        {
            "RS256" => HashAlgorithmName.SHA256,
            "RS384" => HashAlgorithmName.SHA384,
            "RS512" => HashAlgorithmName.SHA512,
            _ => default,
        };
        if (hash == default) return $"algorithm '{header.Alg}' is not accepted";

        SigningKey? key;
        try
        {
            key = await keys.FindAsync(header.Kid, cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException or InvalidOperationException or TaskCanceledException)
        {
            LogKeysUnavailable(exception);
            return "signing keys could not be fetched";
        }
        if (key is null) return "unknown signing key";

        using (var rsa = RSA.Create(key.Parameters))
        {
            var signed = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
            if (!rsa.VerifyData(signed, signature, hash, RSASignaturePadding.Pkcs1)) return "bad signature";
        }

        var settings = options.Value;
        var issuer = Claim(payload, "iss");
        if (issuer is null || !settings.ValidIssuers.Contains(issuer, StringComparer.Ordinal)) return "issuer not accepted";
        if (string.IsNullOrEmpty(settings.AppId) || !HasAudience(payload, settings.AppId)) return "audience is not this bot";

        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var skew = (long)settings.ClockSkew.TotalSeconds;
        if (!payload.TryGetProperty("exp", out var exp) || !exp.TryGetInt64(out var expires) || now > expires + skew) return "token expired";
        if (payload.TryGetProperty("nbf", out var nbf) && nbf.TryGetInt64(out var notBefore) && now + skew < notBefore) return "token not yet valid";

        if (key.Endorsements is { Count: > 0 } endorsements && (channelId is null || !endorsements.Contains(channelId, StringComparer.OrdinalIgnoreCase)))
        {
            return "key is not endorsed for this channel";
        }
        var claimedServiceUrl = Claim(payload, "serviceurl");
        if (claimedServiceUrl is not null && !string.Equals(claimedServiceUrl, serviceUrl, StringComparison.OrdinalIgnoreCase)) return "serviceurl claim differs from the activity";
        if (claimedServiceUrl is null && issuer == "https://api.botframework.com") return "token has no serviceurl claim";
        return null;
    }

    private static string? Claim(JsonElement payload, string name) =>
        payload.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool HasAudience(JsonElement payload, string appId)
    {
        if (!payload.TryGetProperty("aud", out var aud)) return false;
        if (aud.ValueKind == JsonValueKind.String) return aud.GetString() == appId;
        return aud.ValueKind == JsonValueKind.Array && aud.EnumerateArray().Any(a => a.ValueKind == JsonValueKind.String && a.GetString() == appId);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected a channel request: {Reason}.")]
    private partial void LogRejected(string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The channel signing keys could not be fetched.")]
    private partial void LogKeysUnavailable(Exception exception);
}
