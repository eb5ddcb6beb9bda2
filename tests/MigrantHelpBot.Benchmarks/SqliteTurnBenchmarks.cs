using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using MigrantHelpBot.Data;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Benchmarks;

/// <summary>
/// (c) Turns through <c>TurnRunner</c> over a real SQLite <see cref="SqlStateStore"/> (a file in
/// the temp folder, WAL, group commit). Reads come from the runner's state cache, as in the host;
/// every turn's commit is durable before it returns. One turn alone pays a whole transaction and
/// fsync; 64 concurrent turns share them.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class SqliteTurnBenchmarks
{
    private const int Concurrent = 64;
    private TestDatabase _file = null!;
    private SqliteDatabase _database = null!;
    private SqlStateStore _store = null!;
    private TurnHarness _harness = null!;
    private Task<Bot.Turns.TurnResult>[] _turns = [];

    /// <summary>SQLite's <c>synchronous</c>: Full (the default: durable on power loss) or Normal (on process crash).</summary>
    [Params("Full", "Normal")]
    public string Synchronous { get; set; } = "Full";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _file = TestDatabase.CreateSqlite();
        _database = new SqliteDatabase(_file.ConnectionString, Synchronous);
        await _database.EnsureReadyAsync(CancellationToken.None);
        _store = new SqlStateStore(_database, maxBatch: 256, NullLogger<SqlStateStore>.Instance);
        _harness = new TurnHarness(_store, Concurrent, "sql");
        _turns = new Task<Bot.Turns.TurnResult>[Concurrent];
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _store.DisposeAsync();
        await _database.DisposeAsync();
        await _file.DisposeAsync();
    }

    /// <summary>One turn at a time: its latency includes a transaction of its own.</summary>
    [Benchmark(Description = "Turn alone (SQLite)")]
    public async Task<int> TurnAlone()
    {
        var result = await _harness.RunAsync(_harness.Next(0));
        return result.Outgoing.Count;
    }

    /// <summary>64 conversations' turns at once, one per conversation; reported per turn.</summary>
    [Benchmark(Description = "64 concurrent turns, per turn (SQLite)", OperationsPerInvoke = Concurrent)]
    public async Task<int> ConcurrentTurns()
    {
        for (var i = 0; i < Concurrent; i++) _turns[i] = _harness.RunAsync(_harness.Next(i));
        var results = await Task.WhenAll(_turns);
        return results.Sum(r => r.Outgoing.Count);
    }
}
