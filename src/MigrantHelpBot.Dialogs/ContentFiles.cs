using MigrantHelpBot.Dialogs.Data;
using MigrantHelpBot.Language.Lexicons;
using MigrantHelpBot.Language.Myanmar;
using MigrantHelpBot.Language.Triage;

namespace MigrantHelpBot.Dialogs;

/// <summary>
/// Where the content under a locales folder lives, and how each part is loaded: the one place the
/// host, the tests and the benchmarks take it from.
/// </summary>
public static class ContentFiles
{
    /// <summary>The triage classifier over <c>{locales}/triage/*.yaml</c>.</summary>
    public static TriageClassifier Classifier(string locales, MyanmarText myanmar) =>
        new(LexiconLoader.LoadDirectory(Path.Combine(locales, "triage")), myanmar);

    /// <summary><c>{locales}/data/prefectures.yaml</c>.</summary>
    public static Prefectures Prefectures(string locales) => Data.Prefectures.Load(Path.Combine(locales, "data", "prefectures.yaml"));

    /// <summary><c>{locales}/data/minimum-wage.yaml</c>.</summary>
    public static MinimumWages MinimumWages(string locales) => Data.MinimumWages.Load(Path.Combine(locales, "data", "minimum-wage.yaml"));
}
