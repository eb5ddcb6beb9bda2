using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MigrantHelpBot.Handoff.Cases;
using MigrantHelpBot.Testing;
using static MigrantHelpBot.Host.Tests.HandoffFlow;

namespace MigrantHelpBot.Host.Tests;

/// <summary>
/// "Delete my data" and retention: after either, every table of the database — read through the
/// encryption, value by value — holds nothing the worker or staff wrote and nothing that reaches the
/// worker; only anonymous statistics stay. An admin can export one worker's data before that.
/// </summary>
public sealed class DeletionAndRetentionTests : IAsyncLifetime
{
    public static TheoryData<Engine> Engines => [Engine.Sqlite, Engine.Postgres];

    private const string Danger = "Chủ đang đánh tôi, cứu tôi với";
    private const string Hiding = "Em đang ở nhờ nhà chị Lan ở Hitachi";
    private const string HidingJa = "日立のランさんの家に泊めてもらっています";
    private const string Reply = "明日の朝、シェルターの人が迎えに行きます。";
    private const string ReplyVi = "Sáng mai người của nhà tạm trú sẽ đến đón em";
    private static readonly string[] Words = [Danger, Hiding, HidingJa, Reply, ReplyVi, "chị Lan"];
    private FakeTranslator _translator = null!;

    public async ValueTask InitializeAsync()
    {
        _translator = await FakeTranslator.StartAsync();
        _translator.Phrases[(Hiding, "ja")] = HidingJa;
        _translator.Phrases[(Reply, "vi")] = ReplyVi;
    }

    public async ValueTask DisposeAsync() => await _translator.DisposeAsync();

    private Dictionary<string, string?> Settings(Dictionary<string, string?>? more = null) => TranslatorSettings(_translator, more);

    /// <summary>A case held by a person, a message each way, both translated and delivered.</summary>
    private static Task<(DirectLineClient Worker, HttpClient Staff, string CaseId)> ConsultationAsync(BotApplication app) =>
        TranslatedConsultationAsync(app, Danger, Hiding, Reply, ReplyVi);

    /// <summary>Every value in every table, sealed ones opened with the test key: (table, column, value).</summary>
    private static async Task<List<(string Table, string Column, string Value)>> EverythingStoredAsync(BotApplication app)
    {
        var stored = await app.Database.StoredAsync();
        Assert.Contains("case_events", stored.Tables);
        return [.. stored.Rows.SelectMany(r => r.Cells.Where(c => c.Value is string).Select(c => (r.Table, c.Column, TestDatabase.Opened(r.Table, c.Column, (string)c.Value!))))];
    }

    /// <summary>Nothing anyone wrote is stored anywhere, and nothing that reaches the worker except what their open chat window needs.</summary>
    private static async Task AssertNothingLeftAsync(BotApplication app, string conversationKey, string userId, IEnumerable<string> allowedTables)
    {
        var stored = await EverythingStoredAsync(app);
        foreach (var word in Words) Assert.DoesNotContain(stored, v => v.Value.Contains(word, StringComparison.Ordinal));
        var reaching = stored.Where(v => v.Value.Contains(conversationKey, StringComparison.Ordinal) || v.Value.Contains(userId, StringComparison.Ordinal)).Select(v => v.Table).Distinct().ToList();
        Assert.All(reaching, table => Assert.Contains(table, allowedTables));
    }

    private static async Task<(string ConversationKey, string UserId)> WorkerOfAsync(BotApplication app, string caseId)
    {
        var record = await app.Services.GetRequiredService<CaseStore>().GetAsync(caseId, CancellationToken.None);
        var reference = record!.Data.Reference!;
        return (record.ConversationKey, reference.User!.Id!);
    }

    [Theory, MemberData(nameof(Engines))]
    public async Task Delete_my_data_closes_the_case_tells_the_organisation_and_leaves_nothing_of_the_worker_behind(Engine engine)
    {
        await using var app = await StartAsync(engine, Settings());
        var (worker, staff, id) = await ConsultationAsync(app);
        var (conversationKey, userId) = await WorkerOfAsync(app, id);

        // The worker deletes their data: asked to confirm (and told what happens), then it is done at once.
        await worker.SayAsync(T("vi", "commands.delete.label"));
        await WorkerReadsAsync(worker, m => m == T("vi", "commands.delete.confirm"), "the confirmation question");
        await worker.SayAsync(T("vi", "common.yes"));
        await WorkerReadsAsync(worker, m => m == T("vi", "commands.delete.done"), "the goodbye", 8);

        // The organisation is told, and finds nothing left.
        var notice = await EventuallyAsync(async () =>
        {
            var notices = await staff.GetFromJsonAsync<JsonElement>("/api/notices");
            return notices.EnumerateArray().Where(n => n.GetProperty("caseId").GetString() == id && n.TryGetProperty("reason", out var r) && r.GetString() == "worker_deleted_data")
                .Select(n => (JsonElement?)n).FirstOrDefault();
        }, "the organisation told");
        Assert.Equal("case.closed", notice.GetProperty("type").GetString());
        var admin = await StaffAsync(app, "coordinator@coalition.example");
        var purged = await admin.GetFromJsonAsync<JsonElement>($"/api/cases/{id}");
        Assert.Equal("closed_by_worker", purged.GetProperty("case").GetProperty("status").GetString());
        Assert.Empty(purged.GetProperty("timeline").EnumerateArray());
        Assert.Empty(purged.GetProperty("summary").EnumerateArray());
        using (var export = await admin.GetAsync($"/api/cases/{id}/export")) Assert.Equal(HttpStatusCode.NotFound, export.StatusCode);

        // Every table: none of the words, and the worker is reachable only through their open chat window (it shows the goodbye).
        await AssertNothingLeftAsync(app, conversationKey, userId, ["directline_conversations", "activity_log", "activity_log_seq"]);
        var stats = await admin.GetFromJsonAsync<JsonElement>("/api/stats");
        Assert.Equal(1, stats.GetProperty("cases").GetInt32()); // anonymous statistics stay
        Assert.Equal(1, stats.GetProperty("byLanguage").GetProperty("vi").GetInt32());
    }

    [Fact]
    public async Task After_the_retention_period_a_closed_case_and_its_quiet_conversation_keep_only_anonymous_statistics_and_an_admin_could_export_before()
    {
        await using var app = await StartAsync(Engine.Sqlite, Settings(new()
        {
            ["Handoff:CaseRetention"] = "00:00:03",
            ["Handoff:RetentionSweepInterval"] = "00:00:00.500",
        }));
        var (worker, staff, id) = await ConsultationAsync(app);
        var (conversationKey, userId) = await WorkerOfAsync(app, id);

        // Before: an admin exports everything about this worker (audited); staff may not.
        var admin = await StaffAsync(app, "coordinator@coalition.example");
        using (var forbidden = await staff.GetAsync($"/api/cases/{id}/export")) Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        var export = await admin.GetFromJsonAsync<JsonElement>($"/api/cases/{id}/export");
        Assert.Equal(conversationKey, export.GetProperty("conversation").GetString());
        var exported = export.GetRawText();
        foreach (var word in new[] { Hiding, HidingJa, Reply, ReplyVi }) Assert.Contains(JsonSerializer.Serialize(word)[1..^1], exported);
        Assert.NotEmpty(export.GetProperty("transcript").EnumerateArray());
        var audit = await admin.GetFromJsonAsync<JsonElement>($"/api/audit?caseId={id}");
        Assert.Contains(audit.EnumerateArray(), e => e.GetProperty("action").GetString() == "worker.export");

        // The case is resolved; once the retention has passed (3 s here) and the conversation is quiet, its personal data goes.
        using (var resolve = await staff.PostAsync($"/api/cases/{id}/resolve", null)) Assert.Equal(HttpStatusCode.OK, resolve.StatusCode);
        await WorkerReadsAsync(worker, m => m == T("vi", "handoff.resolved", new() { ["organization"] = "Test Union A" }) || m == T("vi", "handoff.resolved", new() { ["organization"] = "Test Union B" }), "the case resolved");
        var store = app.Services.GetRequiredService<CaseStore>();
        await EventuallyAsync(async () => (await store.GetAsync(id, CancellationToken.None))?.Data.Source == CaseData.PurgedSource ? "purged" : null, "the case purged", seconds: 20);
        await EventuallyAsync(async () => await app.CountAsync($"bot_state WHERE key = '{conversationKey}'") == 0 ? "erased" : null, "the quiet conversation erased", seconds: 20);

        var record = (await store.GetAsync(id, CancellationToken.None))!;
        Assert.Equal(("resolved", "vi", "P0", "violence_harassment"), (record.Status, record.Language, record.Urgency, record.Category));
        Assert.NotEqual(conversationKey, record.ConversationKey);
        await AssertNothingLeftAsync(app, conversationKey, userId, ["directline_conversations"]);
        Assert.Equal(0, await app.CountAsync("case_events"));
        Assert.Equal(0, await app.CountAsync("case_translations"));
        Assert.Contains((await admin.GetFromJsonAsync<JsonElement>($"/api/audit?caseId={id}")).EnumerateArray(),
            e => e.GetProperty("action").GetString() == "case.purge" && e.GetProperty("detail").GetString() == "retention");
    }
}
