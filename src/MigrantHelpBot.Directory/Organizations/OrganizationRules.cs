using System.Globalization;
using System.Text.RegularExpressions;
using MigrantHelpBot.Dialogs.Data;

namespace MigrantHelpBot.Directory.Organizations;

/// <summary>
/// What makes an organisation entry valid, and its canonical form (prefectures by their English name,
/// lists without duplicates). Errors are keyed by field, as a ValidationProblem names them.
/// </summary>
public static partial class OrganizationRules
{
    public static (Organization? Canonical, Dictionary<string, string[]> Errors) Check(Organization? organization, Prefectures known)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Fail(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
            list.Add(message);
        }
        if (organization is null)
        {
            Fail("body", "An organisation is required.");
            return (null, Flatten(errors));
        }

        if (string.IsNullOrEmpty(organization.Id) || !IdPattern().IsMatch(organization.Id))
            Fail("id", "Use 2–64 lowercase letters, digits and '-', starting with a letter or digit.");
        if (organization.Names is null || string.IsNullOrWhiteSpace(organization.Names.Ja) || string.IsNullOrWhiteSpace(organization.Names.En))
            Fail("names", "Both names are required: ja and en.");
        if (!Vocabulary.Kinds.Contains(organization.Kind)) Fail("kind", Unknown.Value(organization.Kind, Vocabulary.Kinds));

        var native = Known(organization.Languages?.Native, Vocabulary.Languages, "languages.native", Fail);
        var interpreter = Known(organization.Languages?.Interpreter, Vocabulary.Languages, "languages.interpreter", Fail).Except(native).ToList();
        if (native.Count == 0 && interpreter.Count == 0) Fail("languages", "At least one language, native or through an interpreter.");

        var prefectures = new List<string>();
        foreach (var value in organization.Prefectures ?? [])
        {
            if (known.Lookup(value) is { } prefecture) { if (!prefectures.Contains(prefecture.English)) prefectures.Add(prefecture.English); }
            else Fail("prefectures", Unknown.Prefecture(value));
        }
        if (!organization.Nationwide && organization.Prefectures is null or { Count: 0 })
            Fail("prefectures", "List the prefectures it covers, or set nationwide: true.");
        if (organization.Nationwide) prefectures.Clear();

        var categories = Known(organization.Categories, Vocabulary.Categories, "categories", Fail);
        if (categories.Count == 0) Fail("categories", "At least one category it handles.");
        var specialties = Known(organization.Specialties, Vocabulary.Categories, "specialties", Fail);
        foreach (var specialty in specialties.Where(s => !categories.Contains(s))) Fail("specialties", $"'{specialty}' is a specialty but not among its categories.");
        var statuses = Known(organization.ResidenceStatuses, Vocabulary.ResidenceStatuses, "residenceStatuses", Fail);
        var nationalities = Known(organization.NationalityFocus, Vocabulary.Nationalities, "nationalityFocus", Fail);

        var intake = organization.Intake ?? new Intake();
        if (intake.WebhookUrl is { Length: > 0 } hook && (!Uri.TryCreate(hook, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")))
            Fail("intake.webhookUrl", "Must be an absolute http(s) URL.");

        var hours = organization.Hours ?? [];
        for (var i = 0; i < hours.Count; i++)
        {
            var range = hours[i];
            if (range.Days is not { Count: > 0 } || range.Days.Any(d => !Vocabulary.Days.Contains(d)))
                Fail($"hours[{i}].days", "List days as mon, tue, wed, thu, fri, sat, sun.");
            if (ParseTime(range.Open) is null) Fail($"hours[{i}].open", "Use HH:mm (Asia/Tokyo).");
            if (ParseTime(range.Close) is null) Fail($"hours[{i}].close", "Use HH:mm (Asia/Tokyo); 24:00 is midnight.");
        }

        if (organization.Capacity is < 0) Fail("capacity", "Cannot be negative.");
        if (organization.Load < 0) Fail("load", "Cannot be negative.");
        if (string.IsNullOrWhiteSpace(organization.Source)) Fail("source", "Say where the facts come from.");
        if (organization.LastVerified == default) Fail("lastVerified", "The date the entry was last checked is required.");
        else if (organization.LastVerified > DateOnly.FromDateTime(DateTime.UtcNow.AddDays(2))) Fail("lastVerified", "Cannot be in the future.");

        if (errors.Count > 0) return (null, Flatten(errors));
        return (organization with
        {
            Languages = new OrganizationLanguages { Native = native, Interpreter = interpreter },
            Prefectures = prefectures,
            Categories = categories,
            Specialties = specialties,
            ResidenceStatuses = statuses,
            NationalityFocus = nationalities,
            Intake = intake,
            Hours = hours,
        }, Flatten(errors));
    }

    /// <summary>Minutes after midnight; "24:00" is 1440.</summary>
    public static int? ParseTime(string? value)
    {
        if (value is null || !TimePattern().IsMatch(value)) return null;
        var hours = int.Parse(value.AsSpan(0, 2), CultureInfo.InvariantCulture);
        var minutes = int.Parse(value.AsSpan(3, 2), CultureInfo.InvariantCulture);
        if (hours == 24 && minutes == 0) return 1440;
        return hours < 24 && minutes < 60 ? hours * 60 + minutes : null;
    }

    private static List<string> Known(IReadOnlyList<string>? values, IReadOnlyList<string> allowed, string field, Action<string, string> fail)
    {
        var result = new List<string>();
        foreach (var value in values ?? [])
        {
            if (!allowed.Contains(value)) fail(field, Unknown.Value(value, allowed));
            else if (!result.Contains(value)) result.Add(value);
        }
        return result;
    }

    private static Dictionary<string, string[]> Flatten(Dictionary<string, List<string>> errors) =>
        errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,63}$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[0-9]{2}:[0-9]{2}$")]
    private static partial Regex TimePattern();
}
