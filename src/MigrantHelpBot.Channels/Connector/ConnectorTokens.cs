using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace MigrantHelpBot.Channels.Connector;

/// <summary>
/// The bearer token for replies to a channel's serviceUrl (OAuth client credentials with the bot's
/// app id and password). Without an app id, replies go unauthenticated, as the Emulator expects.
/// </summary>
internal sealed class ConnectorTokens(IHttpClientFactory httpClients, IOptions<ConnectorOptions> options, TimeProvider clock) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;
    private DateTimeOffset _expires;

    public void Dispose() => _gate.Dispose();

    public async Task<AuthenticationHeaderValue?> GetAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (string.IsNullOrEmpty(settings.AppId) || string.IsNullOrEmpty(settings.AppPassword)) return null;
        if (_token is not null && clock.GetUtcNow() < _expires) return new AuthenticationHeaderValue("Bearer", _token);

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_token is null || clock.GetUtcNow() >= _expires)
            {
                using var form = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["grant_type"] = "client_credentials",
                    ["client_id"] = settings.AppId,
                    ["client_secret"] = settings.AppPassword,
                    ["scope"] = settings.TokenScope,
                });
                var http = httpClients.CreateClient(nameof(ConnectorTokens));
                using var response = await http.PostAsync(settings.TokenEndpoint, form, cancellationToken);
                response.EnsureSuccessStatusCode();
                var body = await response.Content.ReadFromJsonAsync(AuthJsonContext.Default.AccessTokenResponse, cancellationToken);
                if (string.IsNullOrEmpty(body?.AccessToken)) throw new HttpRequestException("The token endpoint returned no access_token.");
                var lifetime = body.ExpiresIn.ValueKind switch
                {
                    JsonValueKind.Number => body.ExpiresIn.GetInt64(),
                    JsonValueKind.String when long.TryParse(body.ExpiresIn.GetString(), out var seconds) => seconds,
                    _ => 3600,
                };
                _token = body.AccessToken;
                _expires = clock.GetUtcNow().AddSeconds(Math.Max(60, lifetime - 300));
            }
            return new AuthenticationHeaderValue("Bearer", _token);
        }
        finally
        {
            _gate.Release();
        }
    }
}
