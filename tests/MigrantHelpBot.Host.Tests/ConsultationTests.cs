using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Data;
using MigrantHelpBot.Dialogs.Locales;
using MigrantHelpBot.Language.Myanmar;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Host.Tests;

/// <summary>
/// The consultation end to end, as a worker on the web chat meets it: the real host, the real flows
/// and translations, Direct Line over HTTP, the case intake read back from the database.
/// </summary>
public partial class ConsultationTests
{
    private static readonly LocaleCatalog Locales = LocaleCatalog.Load(new LanguageOptions
    {
        Supported = ["vi", "tl", "km", "my", "en"], Fallback = "en", Staff = ["ja"], Path = RepositoryPaths.Locales,
    });

    private static string T(string language, string key) => Locales.Text(language, key, _ => null);

    /// <summary>What a worker writes, per language: a wage problem, where they work, and numbers.</summary>
    public static TheoryData<string, string, string> Workers => new()
    {
        { "vi-VN", "Công ty không trả lương cho tôi đã 3 tháng rồi", "Quảng Đảo" },
        { "fil-PH", "Tatlong buwan na po akong hindi binabayaran ng sahod ng kompanya", "Hiroshima" },
        { "km-KH", "ក្រុមហ៊ុនមិនបានបើកប្រាក់ខែឱ្យខ្ញុំ ៣ ខែហើយ", "ហ៊ីរ៉ូស៊ីម៉ា" },
        { "my-MM", "ကုမ္ပဏီက ကျွန်တော့်ကို လစာ ၃ လ မပေးသေးဘူး", "ဟီရိုရှီးမား" },
    };

    [Theory, MemberData(nameof(Workers))]
    public async Task A_worker_goes_from_hello_to_a_confirmed_case_intake_in_their_language(string locale, string story, string prefecture)
    {
        await using var app = new BotApplication(TestDatabase.CreateSqlite());
        var client = await DirectLineClient.StartAsync(app.CreateClient(), locale);
        var language = Locales.MatchLocale(locale)!;
        var answers = new Dictionary<string, string>
        {
            ["triage.ask_story"] = story,
            ["intake.prefecture_ask"] = prefecture,
            ["followup.wages.months_ask"] = "3",
            ["followup.wages.hourly_ask"] = "800",
            ["intake.employer_ask"] = "Sakura",
        };

        var seen = await TalkUntilAsync(client, language, answers, "summary.submitted");

        // Everything after the language question (written in every language) is in the worker's.
        Assert.All(BotMessages(seen).Skip(1), a => Assert.Equal(language, a.Locale));
        Assert.Contains(seen, a => Matches(a.Text, T(language, "rights.wages.minimum_prefecture")));
        var intake = JsonDocument.Parse(Assert.Single(await EventsAsync(app, "case.intake")).Payload).RootElement;
        Assert.Equal("unpaid_wages", intake.GetProperty("category").GetString());
        Assert.Equal(language, intake.GetProperty("language").GetString());
        Assert.Equal("hiroshima", intake.GetProperty("prefecture").GetString());
        Assert.Equal(story, intake.GetProperty("answers").GetProperty("story").GetString());
        Assert.Equal("800", intake.GetProperty("answers").GetProperty("hourly_pay").GetString());
        Assert.Equal("yes", intake.GetProperty("answers").GetProperty("below_minimum").GetString());
        Assert.True(intake.GetProperty("consent").GetProperty("shareWithOrganisation").GetBoolean());

        // The router picks the intake up and records where it goes (directory: the shipped sample).
        var routed = await RoutedAsync(app);
        Assert.Equal(language, routed.GetProperty("request").GetProperty("language").GetString());
        Assert.Equal("Hiroshima", routed.GetProperty("request").GetProperty("prefecture").GetString());
        Assert.NotEqual(0, routed.GetProperty("result").GetProperty("matches").GetArrayLength());
    }

    internal static async Task<JsonElement> RoutedAsync(BotApplication app)
    {
        for (var i = 0; i < 200; i++)
        {
            if (await EventsAsync(app, "case.routed") is [var routed, ..]) return JsonDocument.Parse(routed.Payload).RootElement;
            await Task.Delay(50);
        }
        throw new TimeoutException("The case was not routed within 10 seconds.");
    }

    public static TheoryData<string, string> Emergencies => new()
    {
        { "vi-VN", "Chủ đang đánh tôi, cứu tôi với" },
        { "fil-PH", "Sinasaktan po ako ng amo ko ngayon, tulungan nyo po ako" },
        { "km-KH", "ថៅកែកំពុងវាយខ្ញុំឥឡូវនេះ ជួយខ្ញុំផង" },
        { "my-MM", "အလုပ်ရှင်က ကျွန်မကို အခု ရိုက်နေတယ် ကူညီပါ" },
    };

    [Theory, MemberData(nameof(Emergencies))]
    public async Task Danger_in_the_first_message_gets_the_emergency_numbers_before_anything_else(string locale, string message)
    {
        await using var app = new BotApplication(TestDatabase.CreateSqlite());
        var client = await DirectLineClient.StartAsync(app.CreateClient(), locale);
        var language = Locales.MatchLocale(locale)!;
        await client.PollAsync(); // the greeting

        await client.SayAsync(message);
        var replies = BotMessages(await client.PollAsync());

        Assert.Equal(T(language, "emergency.first"), replies[0].Text);
        Assert.Contains("110", replies[1].Text);
        Assert.Contains("119", replies[1].Text);
        Assert.Equal(T(language, "emergency.share_ask"), replies[^1].Text);
        Assert.All(replies, r => Assert.Equal(language, r.Locale));

        await client.SayAsync(replies[^1].SuggestedActions!.Actions![0].Title!); // yes, share
        var handoff = JsonDocument.Parse(Assert.Single(await EventsAsync(app, "case.handoff")).Payload).RootElement;
        Assert.Equal("P0", handoff.GetProperty("urgency").GetString());
        Assert.Equal("violence_now", handoff.GetProperty("emergencyKind").GetString());
    }

    [Theory]
    [InlineData("vi-VN")]
    [InlineData("fil-PH")]
    [InlineData("km-KH")]
    [InlineData("my-MM")]
    public async Task Help_typed_in_the_workers_language_mid_question_answers_and_asks_the_question_again(string locale)
    {
        await using var app = new BotApplication(TestDatabase.CreateSqlite());
        var client = await DirectLineClient.StartAsync(app.CreateClient(), locale);
        var language = Locales.MatchLocale(locale)!;
        await TalkUntilAsync(client, language, new Dictionary<string, string>(), "triage.ask_story");

        await client.SayAsync(Locales.Words(language, "input.commands.help")[0]);
        var replies = BotMessages(await client.PollAsync());

        Assert.Equal(T(language, "commands.help.text"), replies[0].Text);
        Assert.Contains("110", replies[1].Text);
        Assert.Equal(T(language, "triage.ask_story"), replies[^1].Text);
        Assert.NotEmpty(replies[^1].SuggestedActions!.Actions!);
    }

    [Fact]
    public async Task A_message_typed_in_Zawgyi_is_understood_and_answered_in_Zawgyi()
    {
        var myanmar = new MyanmarText(NullLogger<MyanmarText>.Instance);
        await using var app = new BotApplication(TestDatabase.CreateSqlite());
        var client = await DirectLineClient.StartAsync(app.CreateClient());
        await client.PollAsync();
        var zawgyi = myanmar.ToZawgyi("ကုမ္ပဏီက ကျွန်တော့်ကို လစာ ၃ လ မပေးသေးဘူး");
        Assert.NotEqual("ကုမ္ပဏီက ကျွန်တော့်ကို လစာ ၃ လ မပေးသေးဘူး", zawgyi); // the fixture really is Zawgyi

        await client.SayAsync(zawgyi);
        var replies = BotMessages(await client.PollAsync());

        Assert.True(replies.All(r => r.Locale == "my"), Transcript(replies));
        var notice = T("my", "first_contact.notice_who");
        Assert.Contains(replies, r => r.Text == myanmar.ToZawgyi(notice)); // written back the way they can read it
        Assert.DoesNotContain(replies, r => r.Text == notice);
    }

    /// <summary>Answers each question from <paramref name="answers"/> (by its text key) or with its first button, until <paramref name="untilKey"/> is asked.</summary>
    private static async Task<List<Activity>> TalkUntilAsync(DirectLineClient client, string language, Dictionary<string, string> answers, string untilKey)
    {
        var seen = new List<Activity>();
        var page = await client.PollAsync();
        for (var step = 0; step < 40; step++)
        {
            seen.AddRange(page);
            var prompt = BotMessages(page).LastOrDefault() ?? throw new Xunit.Sdk.XunitException($"No answer from the bot after: {seen.LastOrDefault()?.Text}");
            if (BotMessages(page).Any(m => Matches(m.Text, T(language, untilKey)))) return seen;
            var key = answers.Keys.FirstOrDefault(k => Matches(prompt.Text, T(language, k)));
            var reply = key is not null ? answers[key]
                : prompt.SuggestedActions?.Actions is { Count: > 0 } buttons ? buttons[0].Title!
                : throw new Xunit.Sdk.XunitException($"The test has no answer for: {prompt.Text}\n\nTranscript:\n{Transcript(seen)}");
            await client.SayAsync(reply);
            page = await client.PollAsync();
        }
        throw new Xunit.Sdk.XunitException($"'{untilKey}' never came.\n\nTranscript:\n{Transcript(seen)}");
    }

    private static string Transcript(IEnumerable<Activity> activities) => string.Join("\n", activities.Select(a =>
        $"{(a.From!.Role == "bot" ? "bot" : "worker")}: {a.Text}{(a.SuggestedActions?.Actions is { Count: > 0 } b ? " [" + string.Join(" | ", b.Select(x => x.Title)) + "]" : "")}"));

    private static List<Activity> BotMessages(IEnumerable<Activity> activities) =>
        [.. activities.Where(a => a.From!.Role == "bot" && a.Type == ActivityTypes.Message)];

    /// <summary>Whether <paramref name="text"/> is <paramref name="template"/> with its placeholders filled in.</summary>
    private static bool Matches(string? text, string template)
    {
        if (text is null) return false;
        var pattern = "^" + string.Join("(?s:.+?)", Placeholder().Split(template).Select(Regex.Escape)) + "$";
        return Regex.IsMatch(text, pattern, RegexOptions.Singleline) || text.StartsWith(template, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\{[a-z0-9_.]+(?::[a-z0-9_.]+)?\}")]
    private static partial Regex Placeholder();

    private static async Task<IReadOnlyList<StoredEvent>> EventsAsync(BotApplication app, string kind) =>
        await app.Services.GetRequiredService<EventStore>().ReadKindAsync(kind, 10, CancellationToken.None);
}
