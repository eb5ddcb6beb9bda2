namespace MigrantHelpBot.Dialogs.Locales;

/// <summary>A fact a prompt may quote (a phone number, a wage), with where it comes from and when it was last checked.</summary>
public sealed record Fact(string Id, string Value, string Source, DateOnly LastVerified);

/// <summary>
/// Facts that change live in <c>locales/facts/*.yaml</c>, never in prompts: a prompt writes
/// <c>{fact.emergency.police}</c> and the catalog fills in the current value.
/// </summary>
public static class FactFiles
{
    public static IReadOnlyDictionary<string, Fact> Load(string directory)
    {
        var facts = new Dictionary<string, Fact>(StringComparer.Ordinal);
        if (!Directory.Exists(directory)) return facts;
        foreach (var file in Directory.EnumerateFiles(directory, "*.yaml").Order(StringComparer.Ordinal))
        {
            var entries = YamlTree.Flatten(file);
            var ids = entries.Keys.Where(k => k.EndsWith(".value", StringComparison.Ordinal)).Select(k => k[..^".value".Length]);
            foreach (var id in ids)
            {
                var source = entries.GetValueOrDefault(id + ".source");
                var verified = entries.GetValueOrDefault(id + ".last_verified");
                if (string.IsNullOrWhiteSpace(source) || !DateOnly.TryParseExact(verified, "yyyy-MM-dd", out var lastVerified))
                {
                    throw new InvalidDataException($"{file}: fact '{id}' needs a source and a last_verified date (yyyy-MM-dd).");
                }
                var shortId = id.StartsWith("facts.", StringComparison.Ordinal) ? id["facts.".Length..] : id;
                if (!facts.TryAdd(shortId, new Fact(shortId, entries[id + ".value"], source, lastVerified)))
                {
                    throw new InvalidDataException($"{file}: fact '{shortId}' is defined twice.");
                }
            }
        }
        return facts;
    }
}
