using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Host.Tests;

/// <summary>Channel JWT validation against a fake OpenID metadata endpoint on loopback.</summary>
public class ChannelAuthenticationTests : IAsyncLifetime
{
    private const string AppId = "11111111-2222-3333-4444-555555555555";
    private const string Issuer = "https://api.botframework.com";
    private readonly RSA _key = RSA.Create(2048);
    private readonly RSA _otherKey = RSA.Create(2048);
    private LoopbackServer _identity = null!;
    private LoopbackServer _channel = null!;
    private BotApplication _app = null!;

    public async ValueTask InitializeAsync()
    {
        var parameters = _key.ExportParameters(false);
        _identity = await LoopbackServer.StartAsync(web =>
        {
            web.MapGet("/v1/.well-known/openidconfiguration", (HttpContext context) =>
                Results.Json(new { issuer = Issuer, jwks_uri = $"http://{context.Request.Host}/keys" }));
            web.MapGet("/keys", () => Results.Json(new
            {
                keys = new[]
                {
                    new { kty = "RSA", use = "sig", kid = "key-1", n = Base64Url.EncodeToString(parameters.Modulus), e = Base64Url.EncodeToString(parameters.Exponent), endorsements = new[] { "emulator", "msteams" } },
                },
            }));
            web.MapPost("/token", async (HttpContext context) =>
            {
                var form = await context.Request.ReadFormAsync();
                return form["client_id"] == AppId && form["client_secret"] == "app-password" && form["grant_type"] == "client_credentials"
                    ? Results.Json(new { access_token = "outbound-token", expires_in = 3600 })
                    : Results.StatusCode(401);
            });
        });
        _channel = await LoopbackServer.StartAsync(web =>
            web.MapPost("/v3/conversations/{conversationId}/activities/{activityId}", () => Results.Ok(new { id = "ok" })));
        _app = new BotApplication(TestDatabase.CreateSqlite(), new Dictionary<string, string?>
        {
            ["Connector:AuthenticationEnabled"] = "true",
            ["Connector:AppId"] = AppId,
            ["Connector:AppPassword"] = "app-password",
            ["Connector:OpenIdMetadataUrl"] = new Uri(_identity.BaseAddress, "v1/.well-known/openidconfiguration").ToString(),
            ["Connector:TokenEndpoint"] = new Uri(_identity.BaseAddress, "token").ToString(),
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _channel.DisposeAsync();
        await _identity.DisposeAsync();
        _key.Dispose();
        _otherKey.Dispose();
    }

    private string ServiceUrl => _channel.BaseAddress.ToString();

    private string Token(Action<Dictionary<string, object>>? claims = null, string kid = "key-1", RSA? signer = null, string alg = "RS256")
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var payload = new Dictionary<string, object> { ["iss"] = Issuer, ["aud"] = AppId, ["exp"] = now + 600, ["nbf"] = now - 60, ["serviceurl"] = ServiceUrl };
        claims?.Invoke(payload);
        var header = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new { alg, kid, typ = "JWT" }));
        var body = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(payload));
        var signature = (signer ?? _key).SignData(Encoding.ASCII.GetBytes($"{header}.{body}"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{header}.{body}.{Base64Url.EncodeToString(signature)}";
    }

    private async Task<HttpResponseMessage> PostAsync(string? token, string channelId = "emulator", bool expectReplies = false)
    {
        using var client = _app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = BotApplication.Json(BotApplication.Message("c1", "hi", ServiceUrl, expectReplies, channelId)),
        };
        if (token is not null) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task A_valid_channel_token_is_accepted_and_replies_carry_the_bots_own_token()
    {
        using var response = await PostAsync(Token());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reply = Assert.Single(await _channel.WaitForAsync(r => r.Method == "POST"));
        Assert.Equal("Bearer outbound-token", reply.Authorization);
    }

    public static TheoryData<string> Forgeries => ["no token", "wrong audience", "wrong issuer", "expired", "not yet valid", "signed by another key",
        "unknown key id", "other serviceUrl", "channel not endorsed", "alg none", "garbage"];

    [Theory, MemberData(nameof(Forgeries))]
    public async Task A_bad_token_is_401_and_nothing_is_stored(string forgery)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var channel = "emulator";
        var token = forgery switch
        {
            "no token" => null,
            "wrong audience" => Token(c => c["aud"] = "someone-else"),
            "wrong issuer" => Token(c => c["iss"] = "https://evil.example"),
            "expired" => Token(c => c["exp"] = now - 3600),
            "not yet valid" => Token(c => c["nbf"] = now + 3600),
            "signed by another key" => Token(signer: _otherKey),
            "unknown key id" => Token(kid: "key-2"),
            "other serviceUrl" => Token(c => c["serviceurl"] = "https://elsewhere.example/"),
            "alg none" => Token(alg: "none"),
            "garbage" => "not.a.jwt",
            _ => Token(),
        };
        if (forgery == "channel not endorsed") channel = "facebook";

        using var response = await PostAsync(token, channel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await _app.CountAsync("bot_state"));
        Assert.Equal(0, await _app.CountAsync("outbox"));
    }

    [Fact]
    public async Task The_clock_skew_allows_five_minutes()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var response = await PostAsync(Token(c => c["exp"] = now - 120), expectReplies: true);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
