using MigrantHelpBot.Testing;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Bot.Storage;
using MigrantHelpBot.Bot.Turns;
using MigrantHelpBot.Channels.Connector;
using Microsoft.Extensions.Logging.Abstractions;
using MigrantHelpBot.Dialogs;
using MigrantHelpBot.Dialogs.Engine;
using MigrantHelpBot.Dialogs.Flows;
using MigrantHelpBot.Dialogs.Locales;
using MigrantHelpBot.Language.Myanmar;
using MigrantHelpBot.Language.Triage;

namespace MigrantHelpBot.Benchmarks;

/// <summary>What the load tool sends (<see cref="LoadTest.ConsultationScript"/>), and the bot the host runs, built from the repository's files.</summary>
internal static class Script
{
    public static string[] Cycle => LoadTest.ConsultationScript.Cycle;

    /// <summary>The triage classifier over the repository's lexicons, as the host builds it.</summary>
    public static TriageClassifier CreateClassifier() => ContentFiles.Classifier(Find("locales", "en.yaml"), new MyanmarText(NullLogger<MyanmarText>.Instance));

    /// <summary>The dialog engine as the host builds it: locales, flows, data, classifier; its middleware and error handler.</summary>
    public static (IBot Bot, ITurnMiddleware[] Middleware, ITurnErrorHandler ErrorHandler) CreateBot()
    {
        var localesPath = Find("locales", "en.yaml");
        var locales = LocaleCatalog.Load(new LanguageOptions
        {
            Supported = ["vi", "tl", "km", "my", "en"],
            Fallback = "en",
            Staff = ["ja"],
            Path = localesPath,
        });
        var myanmar = new MyanmarText(NullLogger<MyanmarText>.Instance);
        var flows = FlowCatalog.Load(Find("dialogs", "main.yaml"));
        var engine = new DialogEngine(flows, locales, ContentFiles.Classifier(localesPath, myanmar), ContentFiles.Prefectures(localesPath),
            ContentFiles.MinimumWages(localesPath), myanmar, new Commands(locales), TimeProvider.System, NullLogger<DialogEngine>.Instance);
        return (engine, [new WorkerTextMiddleware(myanmar)], new PoliteErrorHandler(locales));
    }

    /// <summary>A conversation with the engine, its own runner and store.</summary>
    public static TestConversation Conversation(IStateStore? store = null, string conversationId = "bench")
    {
        var (bot, middleware, errorHandler) = CreateBot();
        return new TestConversation(bot, store ?? new MemoryStateStore(), middleware, errorHandler, conversationId: conversationId, userId: "worker");
    }

    /// <summary><paramref name="folder"/> beside the binaries, or in the nearest folder above (BenchmarkDotNet runs a generated copy elsewhere).</summary>
    private static string Find(string folder, string marker)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, folder);
            if (File.Exists(Path.Combine(candidate, marker))) return candidate;
        }
        throw new DirectoryNotFoundException($"No {folder}/ folder above {AppContext.BaseDirectory}.");
    }
}

/// <summary>
/// The host's turn path without HTTP: one <see cref="TurnRunner"/> shared by every conversation,
/// the dialog engine with its middleware, the polite error handler and the connector's expectReplies delivery.
/// </summary>
internal sealed class TurnHarness
{
    private readonly long[] _sent;

    public TurnHarness(IStateStore store, int conversations, string runId)
    {
        var (bot, middleware, errorHandler) = Script.CreateBot();
        Runner = TestRunners.Create(store, bot, middleware, errorHandler);
        RunId = runId;
        _sent = new long[conversations];
    }

    public TurnRunner Runner { get; }

    public string RunId { get; }

    public int Conversations => _sent.Length;

    /// <summary>The next inbound message of conversation <paramref name="index"/>, as the load tool would send it.</summary>
    public Activity Next(int index)
    {
        var sequence = _sent[index]++;
        return new Activity
        {
            Type = ActivityTypes.Message,
            Id = $"{RunId}-{index}-{sequence}",
            ChannelId = "loadtest",
            ServiceUrl = "http://127.0.0.1/",
            Conversation = new ConversationAccount { Id = $"bench-{RunId}-{index}" },
            From = new ChannelAccount { Id = $"worker-{RunId}-{index}" },
            Recipient = new ChannelAccount { Id = "bot" },
            Text = Script.Cycle[sequence % Script.Cycle.Length],
            DeliveryMode = DeliveryModes.ExpectReplies,
        };
    }

    public Task<TurnResult> RunAsync(Activity activity) => Runner.RunAsync(activity, ExpectRepliesDelivery.Instance, CancellationToken.None);
}
