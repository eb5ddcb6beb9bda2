using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Handoff.Cases;
using MigrantHelpBot.Language.Myanmar;
using MigrantHelpBot.Testing;
using static MigrantHelpBot.Host.Tests.HandoffFlow;

namespace MigrantHelpBot.Host.Tests;

/// <summary>
/// Machine translation in the staff relay, in the real host against a fake Azure Translator on
/// loopback: staff read a Khmer worker in Japanese and answer in Japanese, the worker reads Khmer,
/// both originals are kept; an outage degrades to untranslated text, loses nothing and fills the
/// translations in when the service returns.
/// </summary>
public sealed class TranslationRelayTests : IAsyncLifetime
{
    public static TheoryData<Engine> Engines => [Engine.Sqlite, Engine.Postgres];

    private const string Danger = "ថៅកែកំពុងវាយខ្ញុំឥឡូវនេះ ជួយខ្ញុំផង";
    private const string DangerJa = "社長が今、私を殴っています。助けてください";
    private const string Unpaid = "ខ្ញុំមិនទាន់បានប្រាក់ខែបីខែហើយ";
    private const string UnpaidJa = "3か月、給料をもらっていません";

    private FakeTranslator _translator = null!;

    public async ValueTask InitializeAsync()
    {
        _translator = await FakeTranslator.StartAsync();
        _translator.Phrases[(Danger, "ja")] = DangerJa;
        _translator.Phrases[(Unpaid, "ja")] = UnpaidJa;
        _translator.Phrases[(Unpaid, "en")] = "I have not been paid for three months";
        _translator.Phrases[("大丈夫ですか。", "km")] = "តើអ្នកសុខសប្បាយទេ?";
        _translator.Phrases[("は今どこにありますか。", "km")] = "ឥឡូវនៅឯណា?";
        _translator.Phrases[("給料の明細を写真で送ってください。", "km")] = "សូមផ្ញើរូបថតបង្កាន់ដៃប្រាក់ខែ។";
    }

    public async ValueTask DisposeAsync() => await _translator.DisposeAsync();


    private Dictionary<string, string?> Translator(string hold = "00:00:20") => new()
    {
        ["Translator:Endpoint"] = _translator.Endpoint.ToString(),
        ["Translator:Key"] = FakeTranslator.Key,
        ["Translator:Region"] = FakeTranslator.Region,
        ["Translator:RetryDelay"] = "00:00:00.050",
        ["Translator:AttemptTimeout"] = "00:00:02",
        ["Translator:BreakDuration"] = "00:00:01",
        ["Handoff:TranslationHold"] = hold,
        ["Handoff:TranslationRetryDelay"] = "00:00:00.200",
    };

    private static string? Text(JsonElement entry) => entry.TryGetProperty("text", out var text) ? text.GetString() : null;

    private static string Status(JsonElement entry) => entry.GetProperty("translation").GetProperty("status").GetString()!;

    [Theory, MemberData(nameof(Engines))]
    public async Task Staff_read_a_Khmer_worker_in_Japanese_and_answer_in_Japanese_the_worker_reads_Khmer_and_both_originals_are_kept(Engine engine)
    {
        await using var app = await StartAsync(engine, Translator());
        var (worker, staff, id, says) = await HeldCaseAsync(app, "km-KH", "km", Danger);

        // What the worker wrote before the handoff: the original, and beside it the Japanese (and English), marked machine translation.
        var danger = await EntryAsync(staff, id, e => e.GetProperty("kind").GetString() == "worker_message" && Text(e) == Danger && Status(e) == "done", "the first message translated");
        var translation = danger.GetProperty("translation");
        Assert.Equal("km", translation.GetProperty("from").GetString());
        Assert.True(translation.GetProperty("machine").GetBoolean());
        Assert.Equal(DangerJa, translation.GetProperty("texts").GetProperty("ja").GetString());
        Assert.Equal("[en] " + Danger, translation.GetProperty("texts").GetProperty("en").GetString());

        // The worker writes during the case: staff read it in Japanese.
        await worker.SayAsync(Unpaid);
        var unpaid = await EntryAsync(staff, id, e => Text(e) == Unpaid && Status(e) == "done", "the worker's message translated");
        Assert.Equal(UnpaidJa, unpaid.GetProperty("translation").GetProperty("texts").GetProperty("ja").GetString());
        Assert.Equal("I have not been paid for three months", unpaid.GetProperty("translation").GetProperty("texts").GetProperty("en").GetString());

        // Staff answer in Japanese; the worker reads Khmer (the residence card as the glossary writes it), marked machine translation.
        const string Reply = "大丈夫ですか。在留カードは今どこにありますか。";
        using (var sent = await staff.PostAsync($"/api/cases/{id}/messages", Json($$"""{"text":"{{Reply}}"}"""))) Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        const string ReplyKm = "តើអ្នកសុខសប្បាយទេ?កាតស្នាក់នៅ (zairyu card)ឥឡូវនៅឯណា?";
        var expected = says + "\n" + ReplyKm + "\n\n" + T("km", "handoff.machine_translated");
        var read = await WorkerReadsAsync(worker, m => m == expected, "the reply in Khmer");
        Assert.DoesNotContain(read, m => m.Contains(Reply, StringComparison.Ordinal)); // never the Japanese first

        // Both originals are kept: the staff member's Japanese on the timeline, what the worker read beside it.
        var reply = await EntryAsync(staff, id, e => e.GetProperty("kind").GetString() == "staff_message", "the reply on the timeline");
        Assert.Equal(Reply, reply.GetProperty("text").GetString());
        Assert.Equal("done", Status(reply));
        Assert.Equal(ReplyKm, reply.GetProperty("translation").GetProperty("texts").GetProperty("km").GetString());
        Assert.False(reply.GetProperty("translation").GetProperty("sentUntranslated").GetBoolean());
        var stored = await app.Services.GetRequiredService<CaseStore>().EventsAsync(id, CancellationToken.None);
        Assert.Single(stored, e => e.Text == Unpaid);
        Assert.Single(stored, e => e.Text == Reply);

        // A canned reply is written by people in the worker's language: never machine-translated.
        var calls = _translator.Calls.Count;
        using (var canned = await staff.PostAsync($"/api/cases/{id}/messages", Json("""{"canned":"safe_time"}"""))) Assert.Equal(HttpStatusCode.Accepted, canned.StatusCode);
        await WorkerReadsAsync(worker, m => m == says + "\n" + T("km", "handoff.canned.safe_time"), "the canned reply");
        Assert.Equal(calls, _translator.Calls.Count);

        // What reached the translator: the key and region, our texts, Khmer asked for as km and the reply with the glossary's placeholder.
        var sentToService = _translator.Calls.ToList();
        Assert.All(sentToService, c => Assert.Equal((FakeTranslator.Key, FakeTranslator.Region, 200), (c.Key, c.Region, c.Status)));
        var toKhmer = Assert.Single(sentToService, c => c.Query("to").SequenceEqual(["km"]));
        Assert.Equal(["html"], toKhmer.Query("textType"));
        Assert.Contains("<span class=\"notranslate\" id=\"g0\">在留カード</span>", toKhmer.Texts[0]);
        Assert.All(sentToService.Where(c => c != toKhmer), c => Assert.Equal(["en", "ja"], c.Query("to")));
    }

    [Fact]
    public async Task A_translator_outage_during_a_live_relay_degrades_to_the_original_text_loses_nothing_and_fills_in_when_it_returns()
    {
        await using var app = await StartAsync(Engine.Sqlite, Translator());
        var (worker, staff, id, says) = await HeldCaseAsync(app, "km-KH", "km", Danger);
        await EntryAsync(staff, id, e => Text(e) == Danger && Status(e) == "done", "the first message translated");

        _translator.Down = true;
        await worker.SayAsync(Unpaid);
        // Staff see the worker's words at once, marked not translated, while the translator is down.
        var waiting = await EntryAsync(staff, id, e => Text(e) == Unpaid, "the worker's message on the case");
        Assert.Equal("pending", Status(waiting));
        Assert.False(waiting.GetProperty("translation").GetProperty("machine").GetBoolean());

        // A staff reply still reaches the worker, as written, saying it is not translated yet.
        const string Reply = "給料の明細を写真で送ってください。";
        using (var sent = await staff.PostAsync($"/api/cases/{id}/messages", Json($$"""{"text":"{{Reply}}"}"""))) Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        var untranslated = says + "\n" + Reply + "\n\n" + T("km", "handoff.not_translated");
        var read = await WorkerReadsAsync(worker, m => m == untranslated, "the reply as written");
        var health = await EventuallyAsync(async () =>
        {
            using var response = await app.CreateClient().GetAsync("/healthz");
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            return body.GetProperty("translator").GetString() == "Degraded" ? body.GetProperty("status").GetString() : null;
        }, "the translator reported failing");
        Assert.Equal("Degraded", health);

        // The service returns: the worker's words are translated for staff, and the reply's translation follows it to the worker, once.
        _translator.Down = false;
        var filled = await EntryAsync(staff, id, e => Text(e) == Unpaid && Status(e) == "done", "the worker's message translated later");
        Assert.Equal(UnpaidJa, filled.GetProperty("translation").GetProperty("texts").GetProperty("ja").GetString());
        var later = T("km", "handoff.translation_followup", new() { ["name"] = says[..says.IndexOf(' ', StringComparison.Ordinal)] }) + "\nសូមផ្ញើរូបថតបង្កាន់ដៃប្រាក់ខែ។\n\n" + T("km", "handoff.machine_translated");
        read.AddRange(await WorkerReadsAsync(worker, m => m == later, "the reply's translation after it"));
        var reply = await EntryAsync(staff, id, e => e.GetProperty("kind").GetString() == "staff_message" && Status(e) == "done", "the reply translated");
        Assert.True(reply.GetProperty("translation").GetProperty("sentUntranslated").GetBoolean());
        Assert.Equal(Reply, reply.GetProperty("text").GetString());

        // Nothing lost, nothing twice.
        await Task.Delay(1000);
        read.AddRange((await worker.PollAsync()).Where(a => a.From?.Role == "bot" && a.Type == ActivityTypes.Message).Select(a => a.Text ?? string.Empty));
        Assert.Equal(1, read.Count(m => m == untranslated));
        Assert.Equal(1, read.Count(m => m == later));
        Assert.Single(await app.Services.GetRequiredService<CaseStore>().EventsAsync(id, CancellationToken.None), e => e.Text == Unpaid);
        Assert.Equal(0, await app.CountAsync("case_translations WHERE status <> 'done'"));
        Assert.Equal("Healthy", await EventuallyAsync(async () =>
        {
            var body = await app.CreateClient().GetFromJsonAsync<JsonElement>("/healthz");
            return body.GetProperty("translator").GetString() == "Healthy" ? "Healthy" : null;
        }, "the translator healthy again"));
    }

    [Fact]
    public async Task Without_a_translator_staff_read_the_original_marked_not_translated_and_replies_go_at_once_as_written()
    {
        await using var app = await StartAsync(Engine.Sqlite, []);
        var (worker, staff, id, says) = await HeldCaseAsync(app, "km-KH", "km", Danger);
        var danger = await EntryAsync(staff, id, e => Text(e) == Danger, "the first message");
        Assert.Equal("none", Status(danger));

        using (var sent = await staff.PostAsync($"/api/cases/{id}/messages", Json("""{"text":"大丈夫ですか。"}"""))) Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        await WorkerReadsAsync(worker, m => m == says + "\n大丈夫ですか。", "the reply as written");
        var reply = await EntryAsync(staff, id, e => e.GetProperty("kind").GetString() == "staff_message", "the reply");
        Assert.Equal("none", Status(reply));
        Assert.Empty(_translator.Calls);
        Assert.Equal(0, await app.CountAsync("case_translations"));
        var health = await app.CreateClient().GetFromJsonAsync<JsonElement>("/healthz");
        Assert.Equal("Healthy", health.GetProperty("translator").GetString());
    }

    [Fact]
    public async Task A_Burmese_worker_typing_Zawgyi_is_translated_from_Unicode_and_reads_the_reply_in_Zawgyi()
    {
        await using var app = await StartAsync(Engine.Sqlite, Translator());
        var myanmar = app.Services.GetRequiredService<MyanmarText>();
        Assert.True(myanmar.CanConvert);
        const string Unicode = "အလုပ်ရှင်က ကျွန်မကို အခု ရိုက်နေတယ် ကူညီပါ";
        var zawgyi = myanmar.ToZawgyi(Unicode);
        Assert.NotEqual(Unicode, zawgyi);
        _translator.Phrases[(Unicode, "ja")] = "雇い主が今、私を殴っています。助けて";
        _translator.Phrases[("大丈夫ですか。", "my")] = "နေကောင်းလား။";

        var (worker, staff, id, says) = await HeldCaseAsync(app, "my-MM", "my", zawgyi);
        var entry = await EntryAsync(staff, id, e => e.GetProperty("kind").GetString() == "worker_message" && Status(e) == "done", "the Burmese message translated");
        Assert.Equal(Unicode, entry.GetProperty("text").GetString());
        Assert.Equal("雇い主が今、私を殴っています。助けて", entry.GetProperty("translation").GetProperty("texts").GetProperty("ja").GetString());
        Assert.Contains(_translator.Calls, c => c.Texts.Contains(Unicode));
        Assert.DoesNotContain(_translator.Calls, c => c.Texts.Any(t => t.Contains(zawgyi, StringComparison.Ordinal)));

        using (var sent = await staff.PostAsync($"/api/cases/{id}/messages", Json("""{"text":"大丈夫ですか。"}"""))) Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        var expected = says + "\nနေကောင်းလား။\n\n" + T("my", "handoff.machine_translated");
        await WorkerReadsAsync(worker, m => m == myanmar.ToZawgyi(expected), "the reply in Zawgyi");
    }
}
