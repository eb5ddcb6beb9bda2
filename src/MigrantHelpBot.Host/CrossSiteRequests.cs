namespace MigrantHelpBot.Host;

/// <summary>
/// Anti-forgery for the staff console and the admin API. Sign-in gives a bearer token that the console
/// sends in a header (never a cookie), so a forged cross-site form carries no credentials; on top of
/// that, a state-changing request a browser marks as coming from another site (<c>Sec-Fetch-Site:
/// cross-site</c>, or an <c>Origin</c> that is not this host) is refused with 403 before it is read.
/// Servers calling with an API key send neither header and are unaffected.
/// </summary>
internal sealed class CrossSiteRequests(RequestDelegate next)
{
    private static readonly string[] Guarded = ["/api/staff", "/api/cases", "/api/notices", "/api/directory", "/api/audit", "/api/stats"];

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)) return next(context);
        if (!Guarded.Any(prefix => request.Path.StartsWithSegments(prefix))) return next(context);
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        var origin = request.Headers.Origin.ToString();
        var crossSite = site.Equals("cross-site", StringComparison.OrdinalIgnoreCase)
            || origin.Length > 0 && !(Uri.TryCreate(origin, UriKind.Absolute, out var from) && string.Equals(from.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase));
        if (!crossSite) return next(context);
        return Results.Problem(detail: "Requests from another site are refused here.", statusCode: StatusCodes.Status403Forbidden, title: "Cross-site request.")
            .ExecuteAsync(context);
    }
}
