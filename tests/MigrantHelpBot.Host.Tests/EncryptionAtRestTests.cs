using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MigrantHelpBot.Data;
using MigrantHelpBot.Testing;
using static MigrantHelpBot.Host.Tests.HandoffFlow;

namespace MigrantHelpBot.Host.Tests;

/// <summary>
/// Personal data at rest: after a real consultation handed to a person (with machine translation),
/// a copy of the SQLite file or of every PostgreSQL table holds none of the words anyone wrote, the
/// service still reads them, keys rotate while it runs, and no log line carries a message or a secret.
/// </summary>
public sealed class EncryptionAtRestTests : IAsyncLifetime
{
    public static TheoryData<Engine> Engines => [Engine.Sqlite, Engine.Postgres];

    private const string Danger = "Chủ đang đánh tôi, cứu tôi với";
    private const string Hiding = "Em đang trốn ở nhà kho số 7 gần ga Mito";
    private const string HidingJa = "水戸駅近くの7番倉庫に隠れています";
    private const string Reply = "今夜9時に電話します。安全な場所にいてください。";
    private const string ReplyVi = "Chúng tôi sẽ gọi cho em lúc 9 giờ tối nay";
    private FakeTranslator _translator = null!;

    public async ValueTask InitializeAsync()
    {
        _translator = await FakeTranslator.StartAsync();
        _translator.Phrases[(Hiding, "ja")] = HidingJa;
        _translator.Phrases[(Reply, "vi")] = ReplyVi;
    }

    public async ValueTask DisposeAsync() => await _translator.DisposeAsync();

    private Dictionary<string, string?> Settings() => TranslatorSettings(_translator, new() { ["Logging:LogLevel:Default"] = "Debug" });

    /// <summary>A worker in danger, a person who takes the case, a message each way (translated), all delivered.</summary>
    private static async Task<string> ConsultationAsync(BotApplication app) =>
        (await TranslatedConsultationAsync(app, Danger, Hiding, Reply, ReplyVi)).CaseId;

    /// <summary>Every byte a copy of the database would hold: the SQLite file and its WAL, or every row of every PostgreSQL table as text.</summary>
    private static async Task<string> CopyOfDatabaseAsync(BotApplication app)
    {
        if (app.Database.Engine == Engine.Sqlite)
        {
            var file = app.Database.ConnectionString["Data Source=".Length..];
            var bytes = new List<byte>();
            foreach (var path in new[] { file, file + "-wal", file + "-journal" }.Where(File.Exists))
            {
                await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var memory = new MemoryStream();
                await stream.CopyToAsync(memory);
                bytes.AddRange(memory.ToArray());
            }
            return Encoding.UTF8.GetString([.. bytes]);
        }
        var stored = await app.Database.StoredAsync();
        Assert.Contains("case_events", stored.Tables);
        return string.Join("\n", stored.Rows.Select(r => r.Render()));
    }

    private static readonly string[] Words = [Danger, Hiding, HidingJa, Reply, ReplyVi, "nhà kho số 7", "今夜9時"];

    [Theory, MemberData(nameof(Engines))]
    public async Task A_copy_of_the_database_holds_no_message_while_the_service_reads_them_all_and_logs_carry_no_message_or_secret(Engine engine)
    {
        var logs = new CapturedLogs();
        await using var app = await StartAsync(engine, Settings(), services => services.AddSingleton<ILoggerProvider>(logs));
        var id = await ConsultationAsync(app);

        // The service reads everything back: the case, the timeline, both translations.
        var staff = await StaffAsync(app, "coordinator@coalition.example");
        var detail = await staff.GetFromJsonAsync<JsonElement>($"/api/cases/{id}");
        var timeline = detail.GetProperty("timeline").EnumerateArray().ToList();
        Assert.Contains(timeline, e => e.TryGetProperty("text", out var t) && t.GetString() == Danger);
        Assert.Contains(timeline, e => e.TryGetProperty("text", out var t) && t.GetString() == Reply
            && e.GetProperty("translation").GetProperty("texts").GetProperty("vi").GetString() == ReplyVi);

        // A copy of the database does not.
        var copy = await CopyOfDatabaseAsync(app);
        Assert.Contains(FieldCipher.Prefix + "test:", copy); // sealed values are there …
        foreach (var word in Words) Assert.DoesNotContain(word, copy); // … and none of the words

        // Nor does any log line, at Debug level: no message, no secret.
        var secrets = new[] { BotApplication.DirectLineSecret, Password, FakeTranslator.Key, TestDatabase.Key };
        Assert.NotEmpty(logs.Lines);
        foreach (var line in logs.Lines)
        {
            foreach (var word in Words.Concat(secrets)) Assert.DoesNotContain(word, line);
        }
    }

    [Fact]
    public async Task Keys_rotate_while_the_service_runs_and_the_old_key_can_then_be_removed()
    {
        var k1 = Convert.ToBase64String(FieldCipher.NewKey());
        var k2 = Convert.ToBase64String(FieldCipher.NewKey());
        var database = TestDatabase.CreateSqlite();
        Dictionary<string, string?> With(params (string Id, string Key)[] keys)
        {
            var settings = Settings();
            settings["Storage:Encryption:Keys:test"] = ""; // not this test's keys
            foreach (var (keyId, key) in keys) settings["Storage:Encryption:Keys:" + keyId] = key;
            settings["Storage:Encryption:CurrentKey"] = keys[^1].Id;
            settings["Directory:SeedFile"] = Path.Combine(RepositoryPaths.Root, "tests", "MigrantHelpBot.Host.Tests", "Fixtures", "handoff-directory.yaml");
            return settings;
        }

        string id;
        await using (var first = new BotApplication(database, With(("k1", k1))))
        {
            first.CreateClient().Dispose();
            await AddStaffAsync(first);
            id = await ConsultationAsync(first);
            Assert.Contains(FieldCipher.Prefix + "k1:", await CopyOfDatabaseAsync(first));
        }

        // k2 becomes current with k1 still configured: everything reads, new values use k2, the rest is resealed.
        await using (var second = new BotApplication(database, With(("k1", k1), ("k2", k2))))
        {
            await AssertReadsAsync(second, id);
            var rotation = second.Services.GetRequiredService<KeyRotation>();
            await rotation.RunAsync(CancellationToken.None);
            Assert.Equal(0, await rotation.PendingAsync(CancellationToken.None));
            var copy = await CopyOfDatabaseAsync(second);
            Assert.DoesNotContain(FieldCipher.Prefix + "k1:", copy);
            Assert.Contains(FieldCipher.Prefix + "k2:", copy);
        }

        // k1 removed: nothing was left under it.
        await using (var third = new BotApplication(database, With(("k2", k2))))
        {
            await AssertReadsAsync(third, id);
        }
        await database.DisposeAsync();
    }

    private static async Task AddStaffAsync(BotApplication app)
    {
        var staff = app.Services.GetRequiredService<Handoff.Staff.StaffStore>();
        await staff.AddAsync("a@union-a.example", Password, "Aさん", "union-a", admin: false, CancellationToken.None);
        await staff.AddAsync("b@union-b.example", Password, "Bさん", "union-b", admin: false, CancellationToken.None);
        await staff.AddAsync("coordinator@coalition.example", Password, "調整役", null, admin: true, CancellationToken.None);
    }

    private static async Task AssertReadsAsync(BotApplication app, string caseId)
    {
        var staff = await StaffAsync(app, "coordinator@coalition.example");
        var detail = await staff.GetFromJsonAsync<JsonElement>($"/api/cases/{caseId}");
        var texts = detail.GetProperty("timeline").EnumerateArray().Select(e => e.TryGetProperty("text", out var t) ? t.GetString() : null).ToList();
        Assert.Contains(Danger, texts);
        Assert.Contains(Hiding, texts);
        Assert.Contains(Reply, texts);
    }
}
