using MigrantHelpBot.Dialogs.Data;
using MigrantHelpBot.Directory.Organizations;

namespace MigrantHelpBot.Directory.Matching;

/// <summary>Checks a match request (or the directory list's filters) and puts it in canonical form: a prefecture by its English name.</summary>
public static class MatchRequestRules
{
    public static (MatchRequest? Canonical, Dictionary<string, string[]> Errors) Check(MatchRequest? request, Prefectures prefectures)
    {
        if (request is null) return (null, new() { ["body"] = ["A JSON body is required."] });
        var errors = Filters(request.Language, request.Prefecture, request.Category, request.ResidenceStatus, prefectures, out var prefecture);
        if (string.IsNullOrWhiteSpace(request.Language)) errors["language"] = ["The worker's language is required: " + string.Join(", ", Vocabulary.Languages) + "."];
        if (errors.Count > 0) return (null, errors);
        return (request with
        {
            Prefecture = prefecture?.English,
            Category = string.IsNullOrWhiteSpace(request.Category) ? null : request.Category,
            ResidenceStatus = string.IsNullOrWhiteSpace(request.ResidenceStatus) ? null : request.ResidenceStatus,
        }, errors);
    }

    /// <summary>Errors for values that are given but unknown, keyed by field; <paramref name="found"/> is the prefecture named, if any.</summary>
    public static Dictionary<string, string[]> Filters(string? language, string? prefecture, string? category, string? residenceStatus, Prefectures prefectures, out Prefecture? found)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        found = prefectures.Lookup(prefecture);
        if (!string.IsNullOrWhiteSpace(language) && !Vocabulary.Languages.Contains(language)) errors["language"] = [Unknown.Value(language, Vocabulary.Languages)];
        if (!string.IsNullOrWhiteSpace(prefecture) && found is null) errors["prefecture"] = [Unknown.Prefecture(prefecture)];
        if (!string.IsNullOrWhiteSpace(category) && !Vocabulary.Categories.Contains(category)) errors["category"] = [Unknown.Value(category, Vocabulary.Categories)];
        if (!string.IsNullOrWhiteSpace(residenceStatus) && residenceStatus != "prefer_not" && !Vocabulary.ResidenceStatuses.Contains(residenceStatus))
            errors["residenceStatus"] = [Unknown.Value(residenceStatus, [.. Vocabulary.ResidenceStatuses, "prefer_not"])];
        return errors;
    }
}
