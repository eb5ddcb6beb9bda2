using MigrantHelpBot.Directory.Organizations;

namespace MigrantHelpBot.Directory.Matching;

/// <summary>Checks a match request and puts it in canonical form (a JIS code becomes the prefecture's romaji id).</summary>
public static class MatchRequestRules
{
    public static (MatchRequest? Canonical, Dictionary<string, string[]> Errors) Check(MatchRequest? request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request is null) return (null, new() { ["body"] = ["A JSON body is required."] });
        if (string.IsNullOrWhiteSpace(request.Language)) errors["language"] = ["The worker's language is required: " + string.Join(", ", Vocabulary.Languages) + "."];
        else if (!Vocabulary.Languages.Contains(request.Language)) errors["language"] = [$"Unknown language '{request.Language}'; use one of {string.Join(", ", Vocabulary.Languages)}."];
        var prefecture = Prefecture.Find(request.Prefecture);
        if (!string.IsNullOrWhiteSpace(request.Prefecture) && prefecture is null)
            errors["prefecture"] = [$"Unknown prefecture '{request.Prefecture}'; use a romaji name (Tokyo, Gunma…) or a JIS code 01–47."];
        if (!string.IsNullOrWhiteSpace(request.Category) && !Vocabulary.Categories.Contains(request.Category))
            errors["category"] = [$"Unknown category '{request.Category}'; use one of {string.Join(", ", Vocabulary.Categories)}."];
        if (!string.IsNullOrWhiteSpace(request.ResidenceStatus) && request.ResidenceStatus != "prefer_not" && !Vocabulary.ResidenceStatuses.Contains(request.ResidenceStatus))
            errors["residenceStatus"] = [$"Unknown residence status '{request.ResidenceStatus}'; use one of {string.Join(", ", Vocabulary.ResidenceStatuses)}, prefer_not."];
        if (errors.Count > 0) return (null, errors);
        return (request with
        {
            Prefecture = prefecture?.Id,
            Category = string.IsNullOrWhiteSpace(request.Category) ? null : request.Category,
            ResidenceStatus = string.IsNullOrWhiteSpace(request.ResidenceStatus) ? null : request.ResidenceStatus,
        }, errors);
    }
}
