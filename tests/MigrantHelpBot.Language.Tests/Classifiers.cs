using Microsoft.Extensions.Logging.Abstractions;
using MigrantHelpBot.Language.Lexicons;
using MigrantHelpBot.Language.Myanmar;
using MigrantHelpBot.Language.Triage;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Language.Tests;

internal static class Classifiers
{
    public static string LexiconDirectory => Path.Combine(RepositoryPaths.Locales, "triage");

    /// <summary>The classifier over the repository's real lexicons, as the host builds it.</summary>
    public static TriageClassifier Real { get; } = new(LexiconLoader.LoadDirectory(LexiconDirectory), new MyanmarText(NullLogger<MyanmarText>.Instance));
}
