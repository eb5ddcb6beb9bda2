using Microsoft.Extensions.Logging.Abstractions;
using MigrantHelpBot.Bot.Turns;
using MigrantHelpBot.Dialogs.Data;
using MigrantHelpBot.Dialogs.Engine;
using MigrantHelpBot.Dialogs.Flows;
using MigrantHelpBot.Dialogs.Locales;
using MigrantHelpBot.Language.Myanmar;
using MigrantHelpBot.Language.Triage;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Dialogs.Tests;

internal static class Catalog
{
    public static readonly string[] Languages = ["vi", "tl", "km", "my", "en"];

    /// <summary>The repository's real locale files, as the host loads them (the worker languages plus Japanese for staff).</summary>
    public static LocaleCatalog Real => s_real.Value;

    private static readonly Lazy<LocaleCatalog> s_real = new(() =>
        LocaleCatalog.Load(new LanguageOptions { Supported = [.. Languages], Fallback = "en", Staff = ["ja"], Path = RepositoryPaths.Locales }));

    public static MyanmarText Myanmar { get; } = new(NullLogger<MyanmarText>.Instance);

    public static TriageClassifier Classifier { get; } = ContentFiles.Classifier(RepositoryPaths.Locales, Myanmar);

    public static Prefectures Prefectures { get; } = ContentFiles.Prefectures(RepositoryPaths.Locales);

    public static MinimumWages Wages { get; } = ContentFiles.MinimumWages(RepositoryPaths.Locales);

    public static FlowCatalog Flows { get; } = FlowCatalog.Load(RepositoryPaths.Dialogs);

    /// <summary>An English-only catalog from the repository's en.yaml: engine tests that do not depend on translations.</summary>
    public static LocaleCatalog English => s_english.Value;

    private static readonly Lazy<LocaleCatalog> s_english = new(() =>
        LocaleCatalog.Load(new LanguageOptions { Supported = ["en"], Fallback = "en", Path = RepositoryPaths.Locales }));

    /// <summary>The dialog engine with its middleware, over <paramref name="locales"/> and <paramref name="flows"/>.</summary>
    public static TestConversation Conversation(LocaleCatalog? locales = null, FlowCatalog? flows = null, MemoryStateStore? store = null,
        string conversationId = "c1", string? locale = null, TimeProvider? clock = null)
    {
        locales ??= English;
        var engine = new DialogEngine(flows ?? Flows, locales, Classifier, Prefectures, Wages, Myanmar, new Commands(locales), clock ?? TimeProvider.System, NullLogger<DialogEngine>.Instance);
        return new TestConversation(engine, store ?? new MemoryStateStore(), [new WorkerTextMiddleware(Myanmar)], new PoliteErrorHandler(locales),
            conversationId: conversationId, locale: locale);
    }
}
