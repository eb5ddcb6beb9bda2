using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MigrantHelpBot.Data;
using MigrantHelpBot.Handoff.Cases;
using MigrantHelpBot.Handoff.Staff;
using MigrantHelpBot.Testing;
using static MigrantHelpBot.Host.Tests.LineChannelTests;

namespace MigrantHelpBot.Host.Tests;

/// <summary>
/// A LINE user id or Messenger PSID says who a worker is on the platform. The database keeps it only sealed, as the
/// address a message goes to; every key holds a keyed pseudonym instead. A database written before pseudonyms
/// existed is moved onto them by migration 9, and its conversations go on.
/// </summary>
public sealed class PseudonymTests
{
    public static TheoryData<Engine> Engines => [Engine.Sqlite, Engine.Postgres];

    [Theory, MemberData(nameof(Engines))]
    public async Task A_LINE_account_is_stored_only_as_a_pseudonym_and_a_database_from_before_pseudonyms_is_moved_onto_them(Engine engine)
    {
        await using var line = await FakeLine.StartAsync();
        await using var database = await TestDatabase.CreateAsync(engine);
        var settings = line.Settings(new()
        {
            ["Directory:SeedFile"] = Path.Combine(RepositoryPaths.Root, "tests", "MigrantHelpBot.Host.Tests", "Fixtures", "handoff-directory.yaml"),
            ["Handoff:SweepInterval"] = "00:00:00.200",
        });
        settings["Logging:LogLevel:Default"] = "Debug";
        var user = User();
        var pseudonym = TestDatabase.Pseudonym("line", user);
        var logs = new CapturedLogs();
        CaseRecord held;

        // A worker in danger on LINE is handed to a person, who answers: the answer is pushed to their LINE user id.
        await using (var app = new BotApplication(database, settings, services => services.AddSingleton<ILoggerProvider>(logs)))
        {
            var client = app.CreateClient();
            var staffStore = app.Services.GetRequiredService<StaffStore>();
            await staffStore.AddAsync("a@union-a.example", HandoffFlow.Password, "Aさん", "union-a", admin: false, CancellationToken.None);
            await staffStore.AddAsync("b@union-b.example", HandoffFlow.Password, "Bさん", "union-b", admin: false, CancellationToken.None);
            var danger = Event("message", user, "Chủ đang đánh tôi, cứu tôi với");
            using (var ack = await PostAsync(client, Body(danger))) Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
            var asked = await line.WaitAsync(a => a.Key == danger["replyToken"]!.GetValue<string>());
            var yes = asked[^1].Messages[^1]!["quickReply"]!["items"]![0]!["action"]!["text"]!.GetValue<string>();
            using (var ack = await PostAsync(client, Body(Event("message", user, yes)))) Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
            held = await OfferedAsync(app);
            var staff = await StaffAsync(app, held);
            using (var accept = await staff.PostAsync($"/api/cases/{held.Id}/accept", null)) Assert.Equal(HttpStatusCode.OK, accept.StatusCode);
            using (var reply = await staff.PostAsJsonAsync($"/api/cases/{held.Id}/messages", new { text = "Chúng tôi ở đây." })) Assert.Equal(HttpStatusCode.Accepted, reply.StatusCode);
            await line.WaitAsync(a => a.Via == "push" && Texts(a.Messages).Any(t => t.Contains("Chúng tôi ở đây.", StringComparison.Ordinal)));
            await SettledAsync(app);

            // The case knows the worker by their pseudonym; the admin export still gives the worker their own account.
            Assert.Equal(pseudonym, held.Data.Reference?.Conversation?.Id);
            Assert.Equal(pseudonym, held.Data.Reference?.User?.Id);
            Assert.Equal($"line/conversations/{pseudonym}", held.ConversationKey);
            await app.Services.GetRequiredService<StaffStore>().AddAsync("admin@coalition.example", HandoffFlow.Password, "管理者", null, admin: true, CancellationToken.None);
            var admin = await HandoffFlow.StaffAsync(app, "admin@coalition.example");
            var export = await admin.GetFromJsonAsync<JsonElement>($"/api/cases/{held.Id}/export");
            Assert.Equal(user, export.GetProperty("account").GetProperty("id").GetString());
        }
        Assert.All(line.PushedTo, to => Assert.Equal(user, to));
        Assert.NotEmpty(line.PushedTo);
        Assert.True(line.ProfileReads > 0); // LINE's profile was asked for, by the id
        // No log line, at Debug level, names the LINE account (the HTTP client logs its URLs, and the profile's holds the id).
        Assert.NotEmpty(logs.Lines);
        Assert.DoesNotContain(logs.Lines, l => l.Contains(user, StringComparison.Ordinal));

        // A copy of the database does not hold the LINE user id; opened with the keys, only the worker's record does.
        var stored = await database.StoredAsync();
        Assert.DoesNotContain(stored.Rows, r => r.Render().Contains(user, StringComparison.Ordinal));
        Assert.Contains(stored.Rows, r => r.Render().Contains(pseudonym, StringComparison.Ordinal));
        var opened = await OpenedAsync(database);
        Assert.Equal(["channel_users.address"], opened.Where(v => v.Value.Contains(user, StringComparison.Ordinal)).Select(v => v.Column).Distinct());

        // The same data as the version before pseudonyms stored it: the LINE user id in every key and reference, no address.
        await using (var direct = database.Open())
        {
            await StoreAsBeforePseudonymsAsync(direct, user, pseudonym);
        }
        Assert.Contains((await database.StoredAsync()).Rows, r => r.Table == "cases" && r.Render().Contains(user, StringComparison.Ordinal));

        // Migration 9's rekey moves it onto the pseudonym: everything reads exactly as before, and the id is sealed again.
        await using (var direct = database.Open())
        {
            Assert.Equal(1, await PseudonymRekey.RunAsync(direct, CancellationToken.None));
            Assert.Equal(0, await PseudonymRekey.RunAsync(direct, CancellationToken.None));
        }
        Assert.Equal(Rendered(opened), Rendered(await OpenedAsync(database)));
        Assert.DoesNotContain((await database.StoredAsync()).Rows, r => r.Render().Contains(user, StringComparison.Ordinal));

        // The conversation goes on after the upgrade: the person's next answer reaches the worker, and the worker's words reach the case.
        var pushes = line.PushedTo.Count;
        await using (var app = new BotApplication(database, settings))
        {
            var client = app.CreateClient();
            var staff = await StaffAsync(app, held);
            using (var reply = await staff.PostAsJsonAsync($"/api/cases/{held.Id}/messages", new { text = "Bạn đang ở đâu?" })) Assert.Equal(HttpStatusCode.Accepted, reply.StatusCode);
            await line.WaitAsync(a => a.Via == "push" && Texts(a.Messages).Any(t => t.Contains("Bạn đang ở đâu?", StringComparison.Ordinal)));
            using (var ack = await PostAsync(client, Body(Event("message", user, "Tôi ở ký túc xá.")))) Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
            var store = app.Services.GetRequiredService<CaseStore>();
            for (var deadline = DateTime.UtcNow.AddSeconds(20); ; await Task.Delay(50))
            {
                if ((await store.EventsAsync(held.Id, CancellationToken.None)).Any(e => e.Kind == "worker_message" && e.Text == "Tôi ở ký túc xá.")) break;
                Assert.True(DateTime.UtcNow < deadline, "after the upgrade the worker's message did not reach their case");
            }
        }
        Assert.True(line.PushedTo.Count > pushes);
        Assert.All(line.PushedTo, to => Assert.Equal(user, to));
        Assert.Empty(line.Problems);
    }

    [Fact]
    public async Task A_proactive_message_to_a_worker_whose_record_is_gone_is_refused_not_sent_elsewhere()
    {
        await using var line = await FakeLine.StartAsync();
        await using var app = new BotApplication(TestDatabase.CreateSqlite(), line.Settings());
        app.CreateClient().Dispose();
        var messenger = app.Services.GetRequiredService<Channels.ProactiveMessenger>();
        var nobody = TestDatabase.Pseudonym("line", User());
        var reference = new Bot.Schema.ConversationReference
        {
            ChannelId = "line", Conversation = new Bot.Schema.ConversationAccount { Id = nobody },
            User = new Bot.Schema.ChannelAccount { Id = nobody }, Bot = new Bot.Schema.ChannelAccount { Id = "bot" },
        };
        await messenger.ContinueAsync(reference, (turn, _) =>
        {
            turn.Send(new Bot.Schema.Activity { Type = Bot.Schema.ActivityTypes.Message, Text = "hello" });
            return Task.CompletedTask;
        }, CancellationToken.None);
        for (var deadline = DateTime.UtcNow.AddSeconds(20); await app.CountAsync("outbox WHERE channel = 'line' AND status = 'failed'") == 0; await Task.Delay(50))
        {
            Assert.True(DateTime.UtcNow < deadline, "the message was not refused");
        }
        Assert.Empty(line.PushedTo);
    }

    private static async Task<CaseRecord> OfferedAsync(BotApplication app)
    {
        var store = app.Services.GetRequiredService<CaseStore>();
        for (var deadline = DateTime.UtcNow.AddSeconds(20); ; await Task.Delay(50))
        {
            var cases = await store.ListAsync(new CaseScope(null, All: true), new CaseFilter(["offered"]), CancellationToken.None);
            if (cases.Count > 0) return cases[0];
            Assert.True(DateTime.UtcNow < deadline, "no case was offered");
        }
    }

    private static Task<HttpClient> StaffAsync(BotApplication app, CaseRecord record) =>
        HandoffFlow.StaffAsync(app, record.OrganizationId == "union-a" ? "a@union-a.example" : "b@union-b.example");

    /// <summary>Waits until nothing is left to send or run.</summary>
    private static async Task SettledAsync(BotApplication app)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(20); await app.CountAsync("outbox WHERE status = 'pending'") > 0; await Task.Delay(50))
        {
            Assert.True(DateTime.UtcNow < deadline, "messages are still waiting");
        }
    }

    /// <summary>Every text value of every row, sealed ones opened with the test key.</summary>
    private static async Task<List<(string Table, string Column, string Value, TestDatabase.StoredRow Row)>> OpenedAsync(TestDatabase database)
    {
        var stored = await database.StoredAsync();
        return [.. stored.Rows.SelectMany(r => r.Cells.Where(c => c.Value is string).Select(c => (r.Table, $"{r.Table}.{c.Column}", TestDatabase.Opened(r.Table, c.Column, (string)c.Value!), r)))];
    }

    /// <summary>Every row with its sealed values opened, in a stable order (an update may move a row in PostgreSQL).</summary>
    private static List<string> Rendered(List<(string Table, string Column, string Value, TestDatabase.StoredRow Row)> opened) =>
        [.. opened.GroupBy(v => v.Row).Select(g => g.Key.Table + ": " + string.Join(" | ", g.Select(v => v.Column + "=" + v.Value))).Order(StringComparer.Ordinal)];

    /// <summary>What the version before pseudonyms wrote for this worker: their LINE user id in every key and conversation reference, and no sealed address.</summary>
    private static async Task StoreAsBeforePseudonymsAsync(Database database, string user, string pseudonym)
    {
        await using var connection = await database.OpenAsync(CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync();
        async Task RunAsync(string sql, params (string Name, object? Value)[] values)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sql;
            foreach (var (name, value) in values)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value ?? DBNull.Value;
                command.Parameters.Add(parameter);
            }
            await command.ExecuteNonQueryAsync();
        }
        foreach (var (table, column) in new[] { ("bot_state", "key"), ("activity_log_seq", "conversation_key"), ("activity_log", "conversation_key"), ("outbox", "conversation_key"), ("domain_events", "conversation_key"), ("cases", "conversation_key") })
        {
            await RunAsync($"UPDATE {table} SET {column} = REPLACE({column}, @p, @u) WHERE {column} IN (@k1, @k2, @k3)",
                ("@p", pseudonym), ("@u", user), ("@k1", $"line/conversations/{pseudonym}"), ("@k2", $"line/users/{pseudonym}"), ("@k3", $"line-in/{pseudonym}"));
        }
        foreach (var (table, column, key) in new[] { ("bot_state", "data", "key"), ("cases", "data", "id"), ("domain_events", "payload", "id") })
        {
            var rows = new List<(object Key, string Value)>();
            await using (var select = connection.CreateCommand())
            {
                select.Transaction = transaction;
                select.CommandText = $"SELECT {key}, {column} FROM {table} WHERE {column} IS NOT NULL";
                await using var reader = await select.ExecuteReaderAsync();
                while (await reader.ReadAsync()) rows.Add((reader.GetValue(0), reader.GetString(1)));
            }
            foreach (var (id, value) in rows)
            {
                var plain = TestDatabase.Cipher.Unprotect(value, $"{table}.{column}")!;
                if (!plain.Contains(pseudonym, StringComparison.Ordinal)) continue;
                await RunAsync($"UPDATE {table} SET {column} = @v WHERE {key} = @k",
                    ("@v", TestDatabase.Cipher.Protect(plain.Replace(pseudonym, user, StringComparison.Ordinal), $"{table}.{column}")), ("@k", id));
            }
        }
        await RunAsync("UPDATE channel_users SET user_id = @u, address = NULL WHERE user_id = @p", ("@u", user), ("@p", pseudonym));
        await transaction.CommitAsync();
    }
}
