using System.Buffers.Text;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace MigrantHelpBot.Channels.Connector;

/// <summary>A channel signing key with the channels it is endorsed for.</summary>
internal sealed record SigningKey(string Kid, RSAParameters Parameters, IReadOnlyList<string>? Endorsements);

/// <summary>
/// The signing keys named by the configured OpenID metadata document. Cached for a day; an unknown
/// key id triggers a refresh, at most once every five minutes.
/// </summary>
internal sealed class OpenIdKeys(IHttpClientFactory httpClients, IOptions<ConnectorOptions> options, TimeProvider clock) : IDisposable
{
    private static readonly TimeSpan s_lifetime = TimeSpan.FromHours(24);
    private static readonly TimeSpan s_minRefresh = TimeSpan.FromMinutes(5);
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private Dictionary<string, SigningKey> _keys = [];
    private DateTimeOffset _fetchedAt = DateTimeOffset.MinValue;

    public void Dispose() => _refresh.Dispose();

    public async Task<SigningKey?> FindAsync(string kid, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (_keys.TryGetValue(kid, out var key) && now - _fetchedAt < s_lifetime) return key;
        if (now - _fetchedAt < s_minRefresh) return key;

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (clock.GetUtcNow() - _fetchedAt >= s_minRefresh)
            {
                _keys = await FetchAsync(cancellationToken);
                _fetchedAt = clock.GetUtcNow();
            }
            return _keys.GetValueOrDefault(kid);
        }
        finally
        {
            _refresh.Release();
        }
    }

    private async Task<Dictionary<string, SigningKey>> FetchAsync(CancellationToken cancellationToken)
    {
        var http = httpClients.CreateClient(nameof(OpenIdKeys));
        var metadata = await http.GetFromJsonAsync(options.Value.OpenIdMetadataUrl, AuthJsonContext.Default.OpenIdMetadata, cancellationToken)
            ?? throw new InvalidOperationException("The OpenID metadata document is empty.");
        if (string.IsNullOrEmpty(metadata.JwksUri)) throw new InvalidOperationException("The OpenID metadata names no jwks_uri.");
        var set = await http.GetFromJsonAsync(metadata.JwksUri, AuthJsonContext.Default.JsonWebKeySet, cancellationToken)
            ?? throw new InvalidOperationException("The key set is empty.");

        var keys = new Dictionary<string, SigningKey>(StringComparer.Ordinal);
        foreach (var jwk in set.Keys ?? [])
        {
            if (jwk.Kty != "RSA" || jwk.Kid is null || jwk.N is null || jwk.E is null) continue;
            keys[jwk.Kid] = new SigningKey(jwk.Kid, new RSAParameters { Modulus = Base64Url.DecodeFromChars(jwk.N), Exponent = Base64Url.DecodeFromChars(jwk.E) }, jwk.Endorsements);
        }
        return keys;
    }
}

internal sealed class OpenIdMetadata
{
    [JsonPropertyName("issuer")] public string? Issuer { get; set; }
    [JsonPropertyName("jwks_uri")] public string? JwksUri { get; set; }
}

internal sealed class JsonWebKeySet
{
    [JsonPropertyName("keys")] public List<JsonWebKey>? Keys { get; set; }
}

internal sealed class JsonWebKey
{
    [JsonPropertyName("kty")] public string? Kty { get; set; }
    [JsonPropertyName("kid")] public string? Kid { get; set; }
    [JsonPropertyName("n")] public string? N { get; set; }
    [JsonPropertyName("e")] public string? E { get; set; }
    [JsonPropertyName("endorsements")] public List<string>? Endorsements { get; set; }
}

internal sealed class JwtHeader
{
    [JsonPropertyName("alg")] public string? Alg { get; set; }
    [JsonPropertyName("kid")] public string? Kid { get; set; }
}

internal sealed class AccessTokenResponse
{
    [JsonPropertyName("access_token")] public string? AccessToken { get; set; }
    [JsonPropertyName("expires_in")] public JsonElement ExpiresIn { get; set; }
}

[JsonSerializable(typeof(OpenIdMetadata))]
[JsonSerializable(typeof(JsonWebKeySet))]
[JsonSerializable(typeof(JwtHeader))]
[JsonSerializable(typeof(AccessTokenResponse))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class AuthJsonContext : JsonSerializerContext;
