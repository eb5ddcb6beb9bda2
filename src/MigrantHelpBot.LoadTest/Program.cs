using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using MigrantHelpBot.LoadTest;

var options = LoadOptions.Parse(args, out var argumentError);
if (options is null)
{
    await Console.Error.WriteLineAsync(argumentError + Environment.NewLine + Environment.NewLine + LoadOptions.Usage);
    return 2;
}
if (options.Help)
{
    Console.WriteLine(LoadOptions.Usage);
    return 0;
}

// Only this machine is a target: the tool is for benchmarking a host you run next to it.
var endPoint = await ResolveLoopbackAsync(options.Url);
if (endPoint is null)
{
    await Console.Error.WriteLineAsync($"{options.Url.Host} is not a loopback address; this tool only targets this machine.");
    return 2;
}

// LINE mode: an open loop of signed webhooks, the replies caught by a fake LINE API of our own.
if (options.Line) return await LineLoad.RunAsync(options);

// One probe turn on a conversation of its own: is the server there, and does it answer turns?
var probe = new LoadConnection(endPoint, [new ScriptedConversation(options.Url, options.RunId, options.Conversations)]);
var probing = probe.ProbeAsync();
if (await Task.WhenAny(probing, Task.Delay(TimeSpan.FromSeconds(options.TimeoutSeconds))) != probing) probe.AbortIfStartedBefore(long.MaxValue);
var (probeOutcome, probeError) = await probing;
if (probeOutcome != Outcome.Ok)
{
    await Console.Error.WriteLineAsync($"The probe turn to {options.Url} failed ({probeOutcome}: {probeError}). Is the host running?");
    return 2;
}

var conversations = Enumerable.Range(0, options.Conversations)
    .Select(i => new ScriptedConversation(options.Url, options.RunId, i))
    .ToArray();
// Connection c owns conversations c, c + connections, …: no two requests in flight share a conversation.
var connections = Enumerable.Range(0, options.Connections)
    .Select(c => new LoadConnection(endPoint, [.. conversations.Where((_, i) => i % options.Connections == c)]))
    .ToArray();

var frequency = Stopwatch.Frequency;
var start = Stopwatch.GetTimestamp();
var clock = new RunClock(start, start + (options.WarmupSeconds * frequency), start + ((options.WarmupSeconds + options.DurationSeconds) * frequency));
await Console.Error.WriteLineAsync(
    $"Warming up {options.WarmupSeconds} s, then measuring {options.DurationSeconds} s: {options.Connections} connections over {options.Conversations} conversations → {options.Url}");

var workers = connections.Select(c => Task.Run(() => c.RunAsync(clock))).ToArray();
var timeoutTicks = options.TimeoutSeconds * frequency;
var cpu = await CpuUsage.MeasureAsync(clock, options.HostPid,
    tick: now => { foreach (var connection in connections) connection.AbortIfStartedBefore(now - timeoutTicks); });

clock.Stop();
var drained = Task.WhenAll(workers);
var drainDeadline = Stopwatch.GetTimestamp() + timeoutTicks;
while (!drained.IsCompleted)
{
    if (Stopwatch.GetTimestamp() > drainDeadline)
    {
        foreach (var connection in connections) connection.AbortIfStartedBefore(long.MaxValue);
    }
    await Task.WhenAny(drained, Task.Delay(100));
}
await drained;

var summary = Summary.From(options, clock, connections, cpu);
Console.WriteLine(summary.ToText());
if (options.Json) Console.WriteLine(summary.ToJson());
return summary.Errors == 0 ? 0 : 1;

static async Task<IPEndPoint?> ResolveLoopbackAsync(Uri url)
{
    IPAddress[] addresses = IPAddress.TryParse(url.Host.Trim('[', ']'), out var literal)
        ? [literal]
        : await Dns.GetHostAddressesAsync(url.Host);
    if (addresses.Length == 0 || !addresses.All(IPAddress.IsLoopback)) return null;
    return new IPEndPoint(addresses[0], url.Port);
}

/// <summary>The run's result, as text for people and as one JSON line for scripts.</summary>
internal sealed record Summary(
    LoadOptions Options,
    long Turns,
    double TurnsPerSecond,
    double RepliesPerTurn,
    long Errors,
    long[] ErrorsByOutcome,
    long WarmupTurns,
    long WarmupErrors,
    string? LastError,
    double P50,
    double P90,
    double P99,
    double P999,
    double Max,
    double MaxAtSeconds,
    long Over50Ms,
    double Mean,
    CpuUsage? Cpu)
{
    public static Summary From(LoadOptions options, RunClock clock, LoadConnection[] connections, CpuUsage? cpu)
    {
        var samples = new long[connections.Sum(c => (long)c.SampleCount)];
        var filled = 0;
        foreach (var connection in connections)
        {
            connection.Samples.CopyTo(samples.AsSpan(filled));
            filled += connection.SampleCount;
        }
        Array.Sort(samples);

        var byOutcome = new long[Enum.GetValues<Outcome>().Length];
        foreach (var connection in connections)
        {
            for (var i = 0; i < byOutcome.Length; i++) byOutcome[i] += connection.Errors[i];
        }
        var toMs = 1000.0 / Stopwatch.Frequency;
        double Percentile(double p) => samples.Length == 0 ? 0 : samples[Math.Clamp((int)Math.Ceiling(p * samples.Length) - 1, 0, samples.Length - 1)] * toMs;

        return new Summary(
            options,
            samples.Length,
            samples.Length / (double)options.DurationSeconds,
            samples.Length == 0 ? 0 : connections.Sum(c => c.Replies) / (double)samples.Length,
            byOutcome.Sum(),
            byOutcome,
            connections.Sum(c => c.WarmupTurns),
            connections.Sum(c => c.WarmupErrors),
            connections.Select(c => c.LastError).LastOrDefault(e => e is not null),
            Percentile(0.50),
            Percentile(0.90),
            Percentile(0.99),
            Percentile(0.999),
            samples.Length == 0 ? 0 : samples[^1] * toMs,
            connections.MaxBy(c => c.MaxTicks) is { MaxTicks: > 0 } slowest ? (slowest.MaxEndedAt - clock.MeasureStart) / (double)Stopwatch.Frequency : 0,
            samples.Length - LowerBound(samples, (long)(0.050 * Stopwatch.Frequency) + 1),
            samples.Length == 0 ? 0 : samples.Average(s => (double)s) * toMs,
            cpu);
    }

    /// <summary>The index of the first sample at or above <paramref name="value"/> in sorted <paramref name="samples"/>.</summary>
    private static int LowerBound(long[] samples, long value)
    {
        var index = Array.BinarySearch(samples, value);
        if (index < 0) return ~index;
        while (index > 0 && samples[index - 1] == value) index--;
        return index;
    }

    public string ToText()
    {
        var c = CultureInfo.InvariantCulture;
        var lines = new List<string>
        {
            string.Create(c, $"MigrantHelpBot load test → {Options.Url}"),
            string.Create(c, $"  config     {Options.Connections} connections, {Options.Conversations} conversations, warm-up {Options.WarmupSeconds} s, measured {Options.DurationSeconds} s, run id {Options.RunId}"),
            string.Create(c, $"  turns      {Turns:N0} in {Options.DurationSeconds} s = {TurnsPerSecond:N0} turns/s, {RepliesPerTurn:F2} message replies per turn (warm-up: {WarmupTurns:N0} turns, {WarmupErrors:N0} errors)"),
            string.Create(c, $"  errors     {Errors:N0} (bad status {ErrorsByOutcome[(int)Outcome.BadStatus]:N0}, bad body {ErrorsByOutcome[(int)Outcome.BadBody]:N0}, I/O {ErrorsByOutcome[(int)Outcome.Io]:N0}, timeouts {ErrorsByOutcome[(int)Outcome.Timeout]:N0})"),
            string.Create(c, $"  latency ms p50 {P50:F2}  p90 {P90:F2}  p99 {P99:F2}  p99.9 {P999:F2}  max {Max:F2}  (mean {Mean:F2})"),
            string.Create(c, $"  slowest    {Max:F2} ms, ended {MaxAtSeconds:F1} s into the measurement; {Over50Ms:N0} turns over 50 ms"),
        };
        if (Errors > 0 && LastError is not null) lines.Add($"  last error {LastError}");
        if (Cpu is { } cpu) lines.Add(cpu.ToText());
        return string.Join(Environment.NewLine, lines);
    }

    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("url", Options.Url.ToString());
            json.WriteNumber("connections", Options.Connections);
            json.WriteNumber("conversations", Options.Conversations);
            json.WriteNumber("warmupSeconds", Options.WarmupSeconds);
            json.WriteNumber("durationSeconds", Options.DurationSeconds);
            json.WriteString("runId", Options.RunId);
            json.WriteNumber("turns", Turns);
            json.WriteNumber("turnsPerSecond", Math.Round(TurnsPerSecond, 1));
            json.WriteNumber("repliesPerTurn", Math.Round(RepliesPerTurn, 3));
            json.WriteNumber("errors", Errors);
            json.WriteNumber("errorsBadStatus", ErrorsByOutcome[(int)Outcome.BadStatus]);
            json.WriteNumber("errorsBadBody", ErrorsByOutcome[(int)Outcome.BadBody]);
            json.WriteNumber("errorsIo", ErrorsByOutcome[(int)Outcome.Io]);
            json.WriteNumber("errorsTimeout", ErrorsByOutcome[(int)Outcome.Timeout]);
            json.WriteNumber("warmupTurns", WarmupTurns);
            json.WriteNumber("warmupErrors", WarmupErrors);
            json.WriteNumber("p50Ms", Math.Round(P50, 3));
            json.WriteNumber("p90Ms", Math.Round(P90, 3));
            json.WriteNumber("p99Ms", Math.Round(P99, 3));
            json.WriteNumber("p999Ms", Math.Round(P999, 3));
            json.WriteNumber("maxMs", Math.Round(Max, 3));
            json.WriteNumber("meanMs", Math.Round(Mean, 3));
            json.WriteNumber("maxAtSeconds", Math.Round(MaxAtSeconds, 2));
            json.WriteNumber("over50Ms", Over50Ms);
            Cpu?.WriteJson(json);
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
