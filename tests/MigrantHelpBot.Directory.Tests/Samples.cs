using MigrantHelpBot.Dialogs;
using MigrantHelpBot.Dialogs.Data;
using MigrantHelpBot.Directory.Matching;
using MigrantHelpBot.Directory.Organizations;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Directory.Tests;

/// <summary>The shipped sample directory and routing texts, and organisations made to measure.</summary>
internal static class Samples
{
    public static readonly Prefectures Prefectures = ContentFiles.Prefectures(RepositoryPaths.Locales);
    public static readonly IReadOnlyList<Organization> Sample = DirectoryFile.Load(RepositoryPaths.SampleDirectory, Prefectures);
    public static readonly RoutingTexts Texts = RoutingTexts.Load(RepositoryPaths.RoutingTexts);

    /// <summary>A Tuesday, 14:00 in Tokyo.</summary>
    public static readonly DateTimeOffset TuesdayAfternoon = new(2026, 11, 17, 14, 0, 0, TimeSpan.FromHours(9));

    /// <summary>A Sunday, 03:00 in Tokyo.</summary>
    public static readonly DateTimeOffset SundayNight = new(2026, 11, 22, 3, 0, 0, TimeSpan.FromHours(9));

    public static Matcher MatcherAt(DateTimeOffset now) => new(Texts, Prefectures, new FixedClock(now));

    public static Organization Org(string id, string[] native, string[]? interpreter = null, string[]? prefectures = null, string[]? categories = null,
        int? capacity = 10, int load = 0, bool open24h = false, bool emergency = false, bool console = true, string kind = "union",
        string[]? specialties = null, string[]? nationalities = null, string[]? statuses = null, OpeningHours[]? hours = null) => new()
    {
        Id = id,
        Names = new LocalizedText { Ja = id + "（日本語）", En = id },
        Kind = kind,
        Languages = new OrganizationLanguages { Native = native, Interpreter = interpreter ?? [] },
        Nationwide = prefectures is null,
        Prefectures = prefectures ?? [],
        Categories = categories ?? [.. Vocabulary.Categories],
        Specialties = specialties ?? [],
        NationalityFocus = nationalities ?? [],
        ResidenceStatuses = statuses ?? [],
        Intake = new Intake { Console = console },
        Hours = hours ?? [new OpeningHours { Days = ["mon", "tue", "wed", "thu", "fri"], Open = "09:00", Close = "18:00" }],
        Open24h = open24h,
        EmergencyCapable = emergency,
        Capacity = capacity,
        Load = load,
        Source = "test",
        LastVerified = new DateOnly(2026, 11, 1),
    };

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now.ToUniversalTime();
    }
}
