using MigrantHelpBot.Handoff.Cases;
using MigrantHelpBot.Translation;

namespace MigrantHelpBot.Handoff.Translations;

/// <summary>The directory's organisation names as glossary terms: in Japanese as the directory writes them in Japanese, in every other language in English.</summary>
internal sealed class OrganizationTerms(OrganizationLookup organizations) : IGlossaryTerms
{
    public async Task<IReadOnlyList<GlossaryTerm>> TermsAsync(CancellationToken cancellationToken) =>
        [.. (await organizations.AllAsync(cancellationToken))
            .Where(o => o.NameJa.Length >= 3 && o.NameEn.Length >= 3)
            .Select(o => Glossary.Term("org:" + o.Id, new Dictionary<string, string> { ["ja"] = o.NameJa, ["en"] = o.NameEn }, [o.NameJa, o.NameEn]))];
}
