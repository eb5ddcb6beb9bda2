using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace MigrantHelpBot.Directory.Access;

/// <summary>
/// Reads an API key from <c>Authorization: Bearer mhb_…</c> or <c>X-Api-Key</c>. No key: no identity
/// (endpoints that need one answer 401); a wrong key: 401; the right key with the wrong role: 403.
/// </summary>
public sealed class ApiKeyAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyStore keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string OrganizationClaim = "organization";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? key = null;
        if (Request.Headers.Authorization.ToString() is { } header && header.StartsWith("Bearer mhb_", StringComparison.Ordinal)) key = header["Bearer ".Length..].Trim();
        else if (Request.Headers.TryGetValue("X-Api-Key", out var value)) key = value.ToString().Trim();
        if (string.IsNullOrEmpty(key)) return AuthenticateResult.NoResult();

        var owner = await keys.FindAsync(key, Context.RequestAborted);
        if (owner is null) return AuthenticateResult.Fail("Unknown or revoked API key.");
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, "apikey:" + owner.Id),
            new(ClaimTypes.Name, owner.Name),
            new(ClaimTypes.Role, owner.Role),
        };
        if (owner.OrganizationId is not null) claims.Add(new Claim(OrganizationClaim, owner.OrganizationId));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return base.HandleChallengeAsync(properties);
    }
}
