using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using MigrantHelpBot.Channels.Http;
using MigrantHelpBot.Dialogs.Data;
using MigrantHelpBot.Directory.Matching;
using MigrantHelpBot.Directory.Organizations;

namespace MigrantHelpBot.Directory.Api;

/// <summary>
/// <c>/api/directory</c>: reading the directory and matching need any valid key (the bot, staff, the
/// admin); editing it, the audit and the coverage gaps need the admin role (401 without a key, 403
/// with another role). Webhook URLs and loads are shown to the admin and the bot only.
/// </summary>
public static class DirectoryApi
{
    public const string AdminPolicy = "directory-admin";
    public const string ReaderPolicy = "directory-reader";
    private const int MaxBodyBytes = 256 * 1024;

    public static IEndpointRouteBuilder MapDirectoryApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/directory").RequireAuthorization(ReaderPolicy);
        api.MapGet("/organizations", ListAsync);
        api.MapGet("/organizations/{id}", GetAsync);
        api.MapPost("/match", MatchAsync);
        api.MapPost("/organizations", CreateAsync).RequireAuthorization(AdminPolicy);
        api.MapPut("/organizations/{id}", UpdateAsync).RequireAuthorization(AdminPolicy);
        api.MapDelete("/organizations/{id}", DeleteAsync).RequireAuthorization(AdminPolicy);
        api.MapGet("/gaps", GapsAsync).RequireAuthorization(AdminPolicy);
        api.MapGet("/audit", AuditAsync).RequireAuthorization(AdminPolicy);
        return app;
    }

    public static async Task<IResult> ListAsync(OrganizationStore store, Prefectures prefectures, ClaimsPrincipal user, string? language, string? prefecture, string? category, CancellationToken cancellationToken)
    {
        var errors = MatchRequestRules.Filters(language, prefecture, category, null, prefectures, out var where);
        if (errors.Count > 0) return Problems.BadRequest("Unknown filter values.", errors);

        var all = await store.ListAsync(cancellationToken);
        var shown = all.Select(o => o.Organization)
            .Where(o => language is null || Matcher.Serves(o, language))
            .Where(o => where is null || o.Nationwide || o.Prefectures.Contains(where.English))
            .Where(o => category is null || o.Categories.Contains(category))
            .Select(o => Redacted(o, user))
            .ToList();
        return TypedResults.Json(shown, DirectoryJson.Default.ListOrganization);
    }

    public static async Task<IResult> GetAsync(string id, OrganizationStore store, ClaimsPrincipal user, HttpContext context, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(id, cancellationToken) is not { } stored) return NotFound(id);
        context.Response.Headers.ETag = ETag(stored.Version);
        return TypedResults.Json(Redacted(stored.Organization, user), DirectoryJson.Default.Organization);
    }

    public static async Task<IResult> MatchAsync(HttpContext context, IDirectory directory, Prefectures prefectures, CancellationToken cancellationToken)
    {
        var (request, problem) = await JsonBody.ReadAsync(context.Request, DirectoryJson.Default.MatchRequest, MaxBodyBytes);
        if (problem is not null) return problem;
        var (canonical, errors) = MatchRequestRules.Check(request, prefectures);
        if (canonical is null) return Problems.BadRequest("The match request is not valid.", errors);
        return TypedResults.Json(await directory.MatchAsync(canonical, cancellationToken), DirectoryJson.Default.MatchResult);
    }

    public static async Task<IResult> CreateAsync(HttpContext context, OrganizationStore store, Prefectures prefectures, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var (organization, problem) = await JsonBody.ReadAsync(context.Request, DirectoryJson.Default.Organization, MaxBodyBytes);
        if (problem is not null) return problem;
        var (canonical, errors) = OrganizationRules.Check(organization, prefectures);
        if (canonical is null) return Problems.BadRequest("The organisation is not valid.", errors);
        var (outcome, version) = await store.CreateAsync(canonical, Actor(user), cancellationToken);
        if (outcome == WriteOutcome.Exists)
            return TypedResults.Problem($"An organisation with id '{canonical.Id}' exists; PUT /api/directory/organizations/{canonical.Id} changes it.", statusCode: 409, title: "Already exists.");
        context.Response.Headers.ETag = ETag(version);
        context.Response.Headers.Location = $"/api/directory/organizations/{canonical.Id}";
        return TypedResults.Json(canonical, DirectoryJson.Default.Organization, statusCode: StatusCodes.Status201Created);
    }

    public static async Task<IResult> UpdateAsync(string id, HttpContext context, OrganizationStore store, Prefectures prefectures, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var (organization, problem) = await JsonBody.ReadAsync(context.Request, DirectoryJson.Default.Organization, MaxBodyBytes);
        if (problem is not null) return problem;
        var (canonical, errors) = OrganizationRules.Check(organization, prefectures);
        if (canonical is not null && canonical.Id != id) errors["id"] = [$"The body's id '{canonical.Id}' is not the id in the path ('{id}')."];
        if (canonical is null || errors.Count > 0) return Problems.BadRequest("The organisation is not valid.", errors);
        if (!TryIfMatch(context, out var expected)) return BadIfMatch();
        var (outcome, version) = await store.UpdateAsync(canonical, Actor(user), expected, cancellationToken);
        if (outcome == WriteOutcome.NotFound) return NotFound(id);
        if (outcome == WriteOutcome.VersionMismatch) return Changed(version);
        context.Response.Headers.ETag = ETag(version);
        return TypedResults.Json(canonical, DirectoryJson.Default.Organization);
    }

    public static async Task<IResult> DeleteAsync(string id, OrganizationStore store, ClaimsPrincipal user, HttpContext context, CancellationToken cancellationToken)
    {
        if (!TryIfMatch(context, out var expected)) return BadIfMatch();
        return await store.DeleteAsync(id, Actor(user), expected, cancellationToken) switch
        {
            WriteOutcome.NotFound => NotFound(id),
            WriteOutcome.VersionMismatch => Changed(null),
            _ => TypedResults.NoContent(),
        };
    }

    public static async Task<IResult> GapsAsync(GapStore gaps, CancellationToken cancellationToken) =>
        TypedResults.Json(await gaps.ListAsync(cancellationToken), DirectoryJson.Default.ListCoverageGap);

    public static async Task<IResult> AuditAsync(OrganizationStore store, string? organizationId, int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > 1000) return Problems.BadRequest("limit is out of range.", new Dictionary<string, string[]> { ["limit"] = ["Between 1 and 1000."] });
        return TypedResults.Json((await store.AuditAsync(organizationId, limit ?? 100, cancellationToken)).ToList(), DirectoryJson.Default.ListAuditEntry);
    }

    /// <summary>Webhook URLs and current loads are for the admin and the bot, not for other organisations' staff.</summary>
    private static Organization Redacted(Organization organization, ClaimsPrincipal user) =>
        user.IsInRole("admin") || user.IsInRole("service")
            ? organization
            : organization with { Intake = organization.Intake with { WebhookUrl = null }, Load = 0 };

    private static string Actor(ClaimsPrincipal user) =>
        $"{user.FindFirstValue(ClaimTypes.Name)} ({user.FindFirstValue(ClaimTypes.NameIdentifier)})";

    private static string ETag(long version) => $"\"{version}\"";

    private static bool TryIfMatch(HttpContext context, out long? version)
    {
        version = null;
        var header = context.Request.Headers.IfMatch.ToString();
        if (string.IsNullOrEmpty(header)) return true;
        if (header.Length > 2 && header[0] == '"' && header[^1] == '"' && long.TryParse(header.AsSpan(1, header.Length - 2), out var parsed))
        {
            version = parsed;
            return true;
        }
        return false;
    }

    private static IResult BadIfMatch() => Problems.BadRequest("If-Match must be the ETag from a GET, e.g. \"3\".");

    private static ProblemHttpResult Changed(long? version) =>
        TypedResults.Problem("The organisation changed since you read it" + (version is null ? "" : $" (now version {version})") + ". GET it again and repeat your edit.",
            statusCode: StatusCodes.Status412PreconditionFailed, title: "Changed by someone else.");

    private static IResult NotFound(string id) => Problems.NotFound($"No organisation with id '{id}'.");
}
