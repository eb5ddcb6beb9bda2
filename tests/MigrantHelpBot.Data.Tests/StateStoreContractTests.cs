using MigrantHelpBot.Bot.Storage;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Data.Tests;

/// <summary>The storage contract, run against SQLite and PostgreSQL alike.</summary>
public class StateStoreContractTests
{
    public static TheoryData<Engine> Engines => [Engine.Sqlite, Engine.Postgres];

    private static readonly CancellationToken None = CancellationToken.None;

    [Theory, MemberData(nameof(Engines))]
    public async Task A_missing_key_reads_as_null(Engine engine)
    {
        await using var stores = await Stores.CreateAsync(engine);
        Assert.Null(await stores.State.ReadAsync("ch/conversations/none", None));
    }

    [Theory, MemberData(nameof(Engines))]
    public async Task A_created_value_reads_back_with_its_etag(Engine engine)
    {
        await using var stores = await Stores.CreateAsync(engine);
        await stores.State.CommitAsync(Commits.Write("k", null, """{"a":"Tiếng Việt ខ្មែរ မြန်မာ"}""", "e1"), None);

        var item = await stores.State.ReadAsync("k", None);
        Assert.Equal(new StoreItem("k", """{"a":"Tiếng Việt ខ្មែរ မြန်မာ"}""", "e1"), item);
    }

    [Theory, MemberData(nameof(Engines))]
    public async Task Creating_a_key_that_exists_is_a_conflict_and_changes_nothing(Engine engine)
    {
        await using var stores = await Stores.CreateAsync(engine);
        await stores.State.CommitAsync(Commits.Write("k", null, "{}", "e1"), None);

        var conflict = await Assert.ThrowsAsync<ETagConflictException>(() => stores.State.CommitAsync(Commits.Write("k", null, """{"b":1}""", "e2"), None));

        Assert.Equal("k", conflict.Key);
        Assert.Equal("e1", (await stores.State.ReadAsync("k", None))!.ETag);
    }

    [Theory, MemberData(nameof(Engines))]
    public async Task An_update_needs_the_current_etag(Engine engine)
    {
        await using var stores = await Stores.CreateAsync(engine);
        await stores.State.CommitAsync(Commits.Write("k", null, """{"v":1}""", "e1"), None);
        await stores.State.CommitAsync(Commits.Write("k", "e1", """{"v":2}""", "e2"), None);

        await Assert.ThrowsAsync<ETagConflictException>(() => stores.State.CommitAsync(Commits.Write("k", "e1", """{"v":3}""", "e3"), None));

        Assert.Equal(new StoreItem("k", """{"v":2}""", "e2"), await stores.State.ReadAsync("k", None));
    }

    [Theory, MemberData(nameof(Engines))]
    public async Task The_wildcard_etag_writes_whatever_is_stored(Engine engine)
    {
        await using var stores = await Stores.CreateAsync(engine);
        await stores.State.CommitAsync(Commits.Write("k", StateWrite.AnyETag, """{"v":1}""", "e1"), None);
        await stores.State.CommitAsync(Commits.Write("k", StateWrite.AnyETag, """{"v":2}""", "e2"), None);

        Assert.Equal("""{"v":2}""", (await stores.State.ReadAsync("k", None))!.Json);
    }

    [Theory, MemberData(nameof(Engines))]
    public async Task Delete_needs_the_current_etag(Engine engine)
    {
        await using var stores = await Stores.CreateAsync(engine);
        await stores.State.CommitAsync(Commits.Write("k", null, "{}", "e1"), None);

        await Assert.ThrowsAsync<ETagConflictException>(() => stores.State.CommitAsync(Commits.Write("k", "stale", null, "x"), None));
        await stores.State.CommitAsync(Commits.Write("k", "e1", null, "x"), None);

        Assert.Null(await stores.State.ReadAsync("k", None));
    }

    [Theory, MemberData(nameof(Engines))]
    public async Task A_commit_is_all_or_nothing(Engine engine)
    {
        await using var stores = await Stores.CreateAsync(engine);
        await stores.State.CommitAsync(Commits.Write("conversation", null, """{"v":1}""", "c1"), None);

        var commit = new StateCommit();
        commit.Writes.Add(new StateWrite("user", null, """{"u":1}""", "u1"));
        commit.Writes.Add(new StateWrite("conversation", "stale", """{"v":2}""", "c2"));
        commit.LogAppends.Add(new LogAppend("log", """{"type":"message"}"""));
        commit.Outbox.Add(new OutboxMessage("once", "connector", "conversation", "{}"));
        await Assert.ThrowsAsync<ETagConflictException>(() => stores.State.CommitAsync(commit, None));

        Assert.Null(await stores.State.ReadAsync("user", None));
        Assert.Equal("c1", (await stores.State.ReadAsync("conversation", None))!.ETag);
        Assert.Empty(await stores.State.ReadAsync("log", 0, 10, None));
        Assert.Null(await stores.Outbox.GetStatusAsync("once", None));
    }

    [Theory, MemberData(nameof(Engines))]
    public async Task Log_appends_are_numbered_in_order_per_conversation(Engine engine)
    {
        await using var stores = await Stores.CreateAsync(engine);
        for (var turn = 0; turn < 3; turn++)
        {
            var commit = new StateCommit();
            commit.LogAppends.Add(new LogAppend("a", $$"""{"n":"a{{turn}}.1"}"""));
            commit.LogAppends.Add(new LogAppend("a", $$"""{"n":"a{{turn}}.2"}"""));
            commit.LogAppends.Add(new LogAppend("b", $$"""{"n":"b{{turn}}"}"""));
            await stores.State.CommitAsync(commit, None);
            Assert.Equal([turn * 2 + 1, turn * 2 + 2, turn + 1], commit.LogAppends.Select(a => a.Seq));
        }

        var all = await stores.State.ReadAsync("a", 0, 100, None);
        Assert.Equal([1, 2, 3, 4, 5, 6], all.Select(a => a.Seq));
        Assert.Equal("""{"n":"a2.2"}""", all[^1].ActivityJson);
        Assert.Equal([3, 4], (await stores.State.ReadAsync("a", 2, 2, None)).Select(a => a.Seq));
        Assert.Empty(await stores.State.ReadAsync("a", 6, 10, None));
    }

    [Theory, MemberData(nameof(Engines))]
    public async Task Outbox_messages_land_once_per_idempotency_key(Engine engine)
    {
        await using var stores = await Stores.CreateAsync(engine);
        for (var i = 0; i < 2; i++)
        {
            var commit = new StateCommit();
            commit.Outbox.Add(new OutboxMessage("reply-1", "connector", "c", "payload"));
            await stores.State.CommitAsync(commit, None);
        }

        Assert.Equal(1, await stores.CountAsync("outbox"));
        Assert.Equal(OutboxStatus.Pending, await stores.Outbox.GetStatusAsync("reply-1", None));
    }

    [Theory, MemberData(nameof(Engines))]
    public async Task Concurrent_commits_are_grouped_and_a_conflicting_one_fails_alone(Engine engine)
    {
        await using var stores = await Stores.CreateAsync(engine);
        await stores.State.CommitAsync(Commits.Write("shared", null, "{}", "e0"), None);

        var writes = Enumerable.Range(0, 200).Select(i => stores.State.CommitAsync(Commits.Write($"k{i}", null, $$"""{"i":{{i}}}""", "e"), None)).ToList();
        var stale = stores.State.CommitAsync(Commits.Write("shared", "wrong", "{}", "e1"), None);
        writes.AddRange(Enumerable.Range(200, 200).Select(i => stores.State.CommitAsync(Commits.Write($"k{i}", null, $$"""{"i":{{i}}}""", "e"), None)));

        await Task.WhenAll(writes);
        await Assert.ThrowsAsync<ETagConflictException>(() => stale);
        Assert.Equal(401, await stores.CountAsync("bot_state"));
    }

    [Theory, MemberData(nameof(Engines))]
    public async Task State_survives_reopening_the_database(Engine engine)
    {
        await using var stores = await Stores.CreateAsync(engine);
        await stores.State.CommitAsync(Commits.Write("k", null, """{"kept":true}""", "e1"), None);

        await using var reopened = stores.Reopen();
        Assert.Equal("""{"kept":true}""", (await reopened.State.ReadAsync("k", None))!.Json);
        await reopened.CloseAsync();
    }

    [Theory, MemberData(nameof(Engines))]
    public async Task Migrations_run_once_however_many_replicas_start(Engine engine)
    {
        await using var stores = await Stores.CreateAsync(engine);
        var replicas = Enumerable.Range(0, 4).Select(_ => stores.Reopen()).ToList();

        await Task.WhenAll(replicas.Select(r => r.Engine.EnsureReadyAsync(None)));

        Assert.Equal(Migrations.All.Count, await stores.CountAsync("schema_migrations")); // each applied once
        foreach (var replica in replicas) await replica.CloseAsync();
    }

    [Fact]
    public async Task The_sqlite_file_is_created_on_first_use_in_wal_mode()
    {
        await using var database = TestDatabase.CreateSqlite();
        var engine = (SqliteDatabase)database.Open();
        Assert.False(File.Exists(engine.FilePath));

        await engine.EnsureReadyAsync(None);

        Assert.True(File.Exists(engine.FilePath));
        await using var connection = await engine.OpenAsync(None);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", await command.ExecuteScalarAsync());
        await engine.DisposeAsync();
    }

    [Fact]
    public void The_sqlite_busy_handler_waits_in_sqlites_own_short_steps_up_to_ten_seconds()
    {
        Assert.Equal([1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100, 100], Enumerable.Range(0, 13).Select(i => SqliteBusyHandler.Delay(i)!.Value));
        var waited = 0;
        var tries = 0;
        for (; SqliteBusyHandler.Delay(tries) is { } step; tries++) waited += step;
        Assert.InRange(waited, 10_000, 10_100); // then it gives up (SQLITE_BUSY), as busy_timeout = 10000 did
    }

    [Fact]
    public async Task A_sqlite_writer_that_meets_another_connections_lock_waits_for_it_and_then_writes()
    {
        await using var database = TestDatabase.CreateSqlite();
        var engine = (SqliteDatabase)database.Open();
        await engine.EnsureReadyAsync(None);
        await using var holder = await engine.OpenAsync(None);
        await using var waiter = await engine.OpenAsync(None);
        await using (var timeout = waiter.CreateCommand())
        {
            timeout.CommandText = "PRAGMA busy_timeout";
            Assert.Equal(0L, await timeout.ExecuteScalarAsync()); // ours is installed instead of SQLite's sleep-based one
        }

        await using var held = await holder.BeginTransactionAsync(None); // Microsoft.Data.Sqlite: BEGIN IMMEDIATE, the write lock
        await using (var write = holder.CreateCommand())
        {
            write.Transaction = held;
            write.CommandText = "INSERT INTO settings (key, value) VALUES ('held', '1')";
            await write.ExecuteNonQueryAsync(None);
        }
        var blocked = Task.Run(async () =>
        {
            await using var write = waiter.CreateCommand();
            write.CommandText = "INSERT INTO settings (key, value) VALUES ('waited', '1')";
            return await write.ExecuteNonQueryAsync(None);
        });
        await Task.Delay(100);
        Assert.False(blocked.IsCompleted); // waiting in the busy handler, not failed
        await held.CommitAsync(None);
        Assert.Equal(1, await blocked);
        await engine.DisposeAsync();
    }

    [Fact]
    public async Task An_unreachable_postgres_is_reported_not_thrown_through()
    {
        await using var database = new PostgresDatabase("Host=127.0.0.1;Port=1;Username=nobody;Timeout=2", writers: 1);
        var store = new SqlStateStore(database, 16, Microsoft.Extensions.Logging.Abstractions.NullLogger<SqlStateStore>.Instance);

        Assert.False(await store.PingAsync(None));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => store.ReadAsync("k", None));
        await Assert.ThrowsAsync<StorageUnavailableException>(() => store.CommitAsync(Commits.Write("k", null, "{}", "e"), None));
        await store.DisposeAsync();
    }
}
