using System.Buffers;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Benchmarks;

/// <summary>
/// (a) The wire JSON: reading the inbound activity the load tool sends and writing activities and
/// the expectReplies body with <see cref="BotJsonContext.Wire"/>, as the connector endpoint does.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class ActivityJsonBenchmarks : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly Utf8JsonWriter _writer;
    private byte[] _inbound = [];
    private Activity _activity = new();
    private ExpectedReplies _greeting = new();
    private ExpectedReplies _tagalog = new();

    public ActivityJsonBenchmarks() => _writer = new Utf8JsonWriter(_buffer);

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _inbound = Encoding.UTF8.GetBytes(
            """{"type":"message","id":"0e070968-17-1234","channelId":"loadtest","serviceUrl":"http://127.0.0.1/","conversation":{"id":"lt-0e070968-17"},"from":{"id":"worker-0e070968-17"},"recipient":{"id":"bot"},"text":"May problema ako sa sahod ko","deliveryMode":"expectReplies"}""");
        _activity = JsonSerializer.Deserialize(_inbound, BotJsonContext.Wire.Activity)!;

        // The bot's real replies: the multilingual greeting with a button per language, and the replies to choosing Tagalog.
        var conversation = Script.Conversation();
        _greeting = Replies(await conversation.JoinAsync());
        _tagalog = Replies(await conversation.SendAsync("Tagalog"));
    }

    [Benchmark(Description = "Deserialize inbound activity")]
    public Activity? DeserializeInbound() => JsonSerializer.Deserialize(_inbound, BotJsonContext.Wire.Activity);

    [Benchmark(Description = "Serialize inbound activity")]
    public int SerializeInbound()
    {
        Reset();
        JsonSerializer.Serialize(_writer, _activity, BotJsonContext.Wire.Activity);
        _writer.Flush();
        return _buffer.WrittenCount;
    }

    [Benchmark(Description = "Serialize expectReplies: greeting")]
    public int SerializeGreeting()
    {
        Reset();
        JsonSerializer.Serialize(_writer, _greeting, BotJsonContext.Wire.ExpectedReplies);
        _writer.Flush();
        return _buffer.WrittenCount;
    }

    [Benchmark(Description = "Serialize expectReplies: Tagalog chosen")]
    public int SerializeTagalog()
    {
        Reset();
        JsonSerializer.Serialize(_writer, _tagalog, BotJsonContext.Wire.ExpectedReplies);
        _writer.Flush();
        return _buffer.WrittenCount;
    }

    public void Dispose()
    {
        _writer.Dispose();
        GC.SuppressFinalize(this);
    }

    private void Reset()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
    }

    private static ExpectedReplies Replies(IReadOnlyList<Activity> activities)
    {
        var id = 0;
        foreach (var activity in activities) activity.Id ??= $"{++id:D32}";
        return new ExpectedReplies { Activities = [.. activities] };
    }
}
