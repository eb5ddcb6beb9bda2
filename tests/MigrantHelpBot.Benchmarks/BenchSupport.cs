using MigrantHelpBot.Testing;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Bot.Storage;
using MigrantHelpBot.Bot.Turns;
using MigrantHelpBot.Channels.Connector;
using MigrantHelpBot.Dialogs.Locales;
using MigrantHelpBot.Dialogs.Welcome;

namespace MigrantHelpBot.Benchmarks;

/// <summary>What the load tool sends: the welcome dialog's cycle, per conversation.</summary>
internal static class Script
{
    public static readonly string[] Cycle = ["hello", "Tagalog", "May problema ako sa sahod ko", "Hindi pa ako binabayaran", "language"];

    /// <summary>The locale catalog the host loads (appsettings.json's languages), from the repository's locales/.</summary>
    public static LocaleCatalog LoadLocales() => LocaleCatalog.Load(new LanguageOptions
    {
        Supported = ["vi", "tl", "km", "my", "en"],
        Fallback = "en",
        Path = FindLocales(),
    });

    /// <summary>locales/ beside the binaries, or in the nearest folder above (BenchmarkDotNet runs a generated copy elsewhere).</summary>
    private static string FindLocales()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "locales");
            if (File.Exists(Path.Combine(candidate, "en.yaml"))) return candidate;
        }
        throw new DirectoryNotFoundException($"No locales/ folder above {AppContext.BaseDirectory}.");
    }
}

/// <summary>
/// The host's turn path without HTTP: one <see cref="TurnRunner"/> shared by every conversation,
/// the welcome dialog, the polite error handler and the connector's expectReplies delivery.
/// </summary>
internal sealed class TurnHarness
{
    private readonly long[] _sent;

    public TurnHarness(IStateStore store, int conversations, string runId)
    {
        var locales = Script.LoadLocales();
        Runner = TestRunners.Create(store, new WelcomeBot(locales), errorHandler: new PoliteErrorHandler(locales));
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
