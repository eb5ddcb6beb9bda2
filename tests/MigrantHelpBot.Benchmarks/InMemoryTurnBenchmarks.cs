using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Benchmarks;

/// <summary>
/// (b) Turns through <c>TurnRunner</c> with the dialog engine over the in-memory store: the
/// runtime's own cost (lock, state load from the cache, dialog, state serialisation, commit).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class InMemoryTurnBenchmarks : IDisposable
{
    private const int Conversations = 256;
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly Utf8JsonWriter _writer;
    private TestConversation _conversation = null!;
    private TurnHarness _harness = null!;
    private byte[][] _inbound = [];
    private int _step;
    private int _next;
    private long _id;

    public InMemoryTurnBenchmarks() => _writer = new Utf8JsonWriter(_buffer);

    [GlobalSetup]
    public void Setup()
    {
        _conversation = Script.Conversation();
        _harness = new TurnHarness(new MemoryStateStore(), Conversations, "mem");
        // One pre-rendered request body per conversation and step; the activity id is replaced after reading.
        _inbound = [.. Enumerable.Range(0, Conversations * Script.Cycle.Length).Select(i =>
            JsonSerializer.SerializeToUtf8Bytes(_harness.Next(i % Conversations), BotJsonContext.Wire.Activity))];
    }

    /// <summary>One turn of one conversation (TestConversation, its own runner), cycling through the dialog.</summary>
    [Benchmark(Description = "Turn (TestConversation, memory store)")]
    public async Task<int> Turn()
    {
        var replies = await _conversation.SendAsync(Script.Cycle[_step++ % Script.Cycle.Length]);
        return replies.Count;
    }

    /// <summary>
    /// What the connector endpoint does per request, minus Kestrel and routing: read the activity,
    /// run the turn on the shared runner (256 conversations round robin), write the expectReplies body.
    /// </summary>
    [Benchmark(Description = "Read + turn + write replies (shared runner, memory store)")]
    public async Task<int> RequestWithoutHttp()
    {
        var body = _inbound[_next++ % _inbound.Length];
        var activity = JsonSerializer.Deserialize(body, BotJsonContext.Wire.Activity)!;
        activity.Id = (++_id).ToString(CultureInfo.InvariantCulture);
        var result = await _harness.RunAsync(activity);
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        JsonSerializer.Serialize(_writer, new ExpectedReplies { Activities = [.. result.Outgoing] }, BotJsonContext.Wire.ExpectedReplies);
        _writer.Flush();
        return _buffer.WrittenCount;
    }

    public void Dispose()
    {
        _writer.Dispose();
        GC.SuppressFinalize(this);
    }
}
