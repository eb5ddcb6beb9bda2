using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MigrantHelpBot.Directory.Access;
using MigrantHelpBot.Handoff.Cases;

namespace MigrantHelpBot.Handoff.Staff;

/// <summary>
/// A staff sign-in token (<c>Authorization: Bearer mhs_…</c>, from <c>POST /api/staff/token</c>). An
/// organisation's API key (<c>mhb_…</c>) is read by <see cref="ApiKeyAuthentication"/>; the
/// <see cref="PolicyScheme"/> policy scheme picks whichever the request carries.
/// </summary>
public sealed class StaffTokenAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, StaffStore staff)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "StaffToken";

    /// <summary>The default scheme: staff token or API key, by the header's form.</summary>
    public const string PolicyScheme = "Bearer";

    public static string Select(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer mhs_", StringComparison.Ordinal) ? SchemeName : ApiKeyAuthentication.SchemeName;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer mhs_", StringComparison.Ordinal)) return AuthenticateResult.NoResult();
        var account = await staff.FindByTokenAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (account is null) return AuthenticateResult.Fail("Unknown or expired sign-in token.");
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, "staff:" + account.Id),
            new(ClaimTypes.Name, account.Name),
            new(ClaimTypes.Email, account.Email),
            new(ClaimTypes.Role, account.Role),
        };
        if (account.OrganizationId is not null) claims.Add(new Claim(ApiKeyAuthentication.OrganizationClaim, account.OrganizationId));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return base.HandleChallengeAsync(properties);
    }

    /// <summary>Who is calling, as the case service sees it.</summary>
    public static Actor ActorOf(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new Actor(
            user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "unknown",
            user.FindFirstValue(ClaimTypes.Name) ?? "unknown",
            user.FindFirstValue(ClaimTypes.Role) ?? "none",
            user.FindFirstValue(ApiKeyAuthentication.OrganizationClaim));
    }
}
