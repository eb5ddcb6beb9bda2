using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace MigrantHelpBot.LoadTest;

/// <summary>
/// LINE mode: webhooks at a fixed rate (an open loop: webhook <c>n</c> is due at <c>n / rate</c> s
/// whatever happened to the earlier ones), the acknowledgement latency of each, and the bot's
/// replies as the fake LINE API receives them: turns per second and the lag from webhook to reply.
/// </summary>
internal static class LineLoad
{
    public static async Task<int> RunAsync(LoadOptions options)
    {
        var rate = options.Rate;
        var warmup = (long)options.WarmupSeconds * rate;
        var total = warmup + ((long)options.DurationSeconds * rate);
        var prefix = LineWebhooks.PrefixOf(options.RunId);

        await using var api = new FakeLineApi(options.ApiPort, prefix, total);
        try
        {
            await api.StartAsync();
        }
        catch (IOException exception)
        {
            await Console.Error.WriteLineAsync($"The fake LINE API could not listen on 127.0.0.1:{options.ApiPort}: {exception.Message}");
            return 2;
        }
        using var webhooks = new LineWebhooks(options, prefix, total);
        if (await webhooks.ProbeAsync() is { } probeError)
        {
            await Console.Error.WriteLineAsync($"The connection check to {options.Url} failed ({probeError}). Is the host running?");
            return 2;
        }

        var frequency = Stopwatch.Frequency;
        var start = Stopwatch.GetTimestamp() + (frequency / 10);
        var clock = new RunClock(start, start + (options.WarmupSeconds * frequency), start + ((options.WarmupSeconds + options.DurationSeconds) * frequency));
        await Console.Error.WriteLineAsync(
            $"Warming up {options.WarmupSeconds} s, then measuring {options.DurationSeconds} s: {rate} webhooks/s from {options.Users} users → {options.Url}; fake LINE API on 127.0.0.1:{options.ApiPort}");

        // One thread keeps the schedule: it sleeps a millisecond at a time and sends whatever is due.
        var sending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var scheduler = new Thread(() =>
        {
            for (var n = 0L; n < total; n++)
            {
                var due = start + (long)(n * (double)frequency / rate);
                while (Stopwatch.GetTimestamp() < due) Thread.Sleep(1);
                webhooks.Send(n);
            }
            sending.SetResult();
        })
        { IsBackground = true, Name = "webhook schedule" };
        scheduler.Start();

        var cpu = await CpuUsage.MeasureAsync(clock, options.HostPid, measuring: async () =>
        {
            if (warmup > 0 && api.Calls().Replies.Length == 0)
            {
                await Console.Error.WriteLineAsync($"No reply has reached the fake LINE API yet: does the host have --Line:ApiBaseUrl=http://127.0.0.1:{options.ApiPort}?");
            }
        });
        await sending.Task;
        clock.Stop();

        // The acknowledgements still on their way, then the replies to the measured webhooks.
        var ackDeadline = Stopwatch.GetTimestamp() + ((options.TimeoutSeconds + 1) * frequency);
        while (webhooks.Pending > 0 && Stopwatch.GetTimestamp() < ackDeadline) await Task.Delay(50);
        var drainDeadline = clock.MeasureEnd + (options.DrainSeconds * frequency);
        await Console.Error.WriteLineAsync($"Sending done; waiting up to {options.DrainSeconds} s for the replies to the measured webhooks.");
        while (Stopwatch.GetTimestamp() < drainDeadline && Unanswered(webhooks, api, warmup, total) > 0) await Task.Delay(100);

        var summary = LineSummary.From(options, clock, webhooks, api, warmup, total, cpu);
        Console.WriteLine(summary.ToText());
        if (options.Json) Console.WriteLine(summary.ToJson());
        return summary.AckErrors == 0 && summary.Unanswered == 0 ? 0 : 1;
    }

    private static long Unanswered(LineWebhooks webhooks, FakeLineApi api, long from, long to)
    {
        var unanswered = 0L;
        for (var n = from; n < to; n++)
        {
            if (webhooks.Done(n) && webhooks.OutcomeOf(n) == Outcome.Ok && api.ReplyAt(n) == 0) unanswered++;
        }
        return unanswered;
    }
}

/// <summary>One slice of the run: webhooks sent, acknowledged (200) and answered within it.</summary>
internal readonly record struct LineSlice(double FromSeconds, double ToSeconds, long Sent, long Acked, long Replies, long Pushes);

/// <summary>The LINE run's result, as text for people and as one JSON line for scripts.</summary>
internal sealed record LineSummary(
    LoadOptions Options,
    long Sent,
    double SentPerSecond,
    double LateP50,
    double LateP99,
    double LateMax,
    long Acked,
    long AckErrors,
    long[] AckErrorsByOutcome,
    long WarmupSent,
    long WarmupErrors,
    string? LastError,
    double AckP50,
    double AckP90,
    double AckP99,
    double AckP999,
    double AckMax,
    double AckMean,
    long Replies,
    double RepliesPerSecond,
    long Pushes,
    double PushesPerSecond,
    double MessagesPerCall,
    long Answered,
    long Unanswered,
    double LagP50,
    double LagP90,
    double LagP99,
    double LagMax,
    long BacklogAtEnd,
    double LastAnswerAfterSeconds,
    long Profiles,
    long Loadings,
    long Duplicates,
    long Foreign,
    long Unauthorized,
    long OtherCalls,
    LineSlice[] Slices,
    CpuUsage? Cpu)
{
    private const int SliceSeconds = 5;

    public static LineSummary From(LoadOptions options, RunClock clock, LineWebhooks webhooks, FakeLineApi api, long warmup, long total, CpuUsage? cpu)
    {
        var frequency = (double)Stopwatch.Frequency;
        var toMs = 1000.0 / frequency;
        var rate = options.Rate;
        var measured = total - warmup;

        var late = new long[measured];
        var acks = new List<long>((int)measured);
        var lags = new List<long>((int)measured);
        var byOutcome = new long[Enum.GetValues<Outcome>().Length];
        long warmupErrors = 0, backlog = 0, lastAnswer = 0;
        for (var n = 0L; n < total; n++)
        {
            var outcome = webhooks.Done(n) ? webhooks.OutcomeOf(n) : Outcome.Timeout;
            var ok = outcome == Outcome.Ok;
            var sentAt = webhooks.SentAt(n);
            var replyAt = api.ReplyAt(n);
            // Acknowledged before the measurement ended and not yet answered then: waiting in the host.
            if (ok && sentAt + webhooks.AckTicks(n) < clock.MeasureEnd && (replyAt == 0 || replyAt >= clock.MeasureEnd)) backlog++;
            if (n < warmup)
            {
                if (!ok) warmupErrors++;
                continue;
            }
            late[n - warmup] = sentAt - (clock.Start + (long)(n * frequency / rate));
            if (!ok)
            {
                byOutcome[(int)outcome]++;
                continue;
            }
            acks.Add(webhooks.AckTicks(n));
            lags.Add(replyAt == 0 ? long.MaxValue : replyAt - sentAt);
            lastAnswer = Math.Max(lastAnswer, replyAt);
        }
        Array.Sort(late);
        acks.Sort();
        lags.Sort();

        var (replies, pushes) = api.Calls();
        var repliesMeasured = Between(replies, clock.MeasureStart, clock.MeasureEnd);
        var pushesMeasured = Between(pushes, clock.MeasureStart, clock.MeasureEnd);
        var calls = replies.Length + pushes.Length;
        var unanswered = lags.Count(l => l == long.MaxValue);

        // Slices from the start to the last reply (or the end of the measurement).
        var end = Math.Max(clock.MeasureEnd, Math.Max(replies.Length > 0 ? replies[^1] : 0, pushes.Length > 0 ? pushes[^1] : 0));
        var sliceTicks = SliceSeconds * Stopwatch.Frequency;
        var slices = new List<LineSlice>();
        for (var from = clock.Start; from < end; from += sliceTicks)
        {
            var to = from + sliceTicks;
            long sent = 0, acked = 0;
            for (var n = 0L; n < total; n++)
            {
                var at = webhooks.SentAt(n);
                if (at >= from && at < to) sent++;
                if (webhooks.Done(n) && webhooks.OutcomeOf(n) == Outcome.Ok && at + webhooks.AckTicks(n) is var ackedAt && ackedAt >= from && ackedAt < to) acked++;
            }
            slices.Add(new LineSlice((from - clock.Start) / frequency, (to - clock.Start) / frequency, sent, acked, Between(replies, from, to), Between(pushes, from, to)));
        }

        return new LineSummary(
            options,
            measured,
            measured / (options.DurationSeconds == 0 ? 1.0 : options.DurationSeconds),
            Percentile(late, 0.50) * toMs,
            Percentile(late, 0.99) * toMs,
            late.Length == 0 ? 0 : late[^1] * toMs,
            acks.Count,
            byOutcome.Sum(),
            byOutcome,
            warmup,
            warmupErrors,
            webhooks.LastError,
            Percentile(acks, 0.50) * toMs,
            Percentile(acks, 0.90) * toMs,
            Percentile(acks, 0.99) * toMs,
            Percentile(acks, 0.999) * toMs,
            acks.Count == 0 ? 0 : acks[^1] * toMs,
            acks.Count == 0 ? 0 : acks.Average(a => (double)a) * toMs,
            repliesMeasured,
            repliesMeasured / (double)options.DurationSeconds,
            pushesMeasured,
            pushesMeasured / (double)options.DurationSeconds,
            calls == 0 ? 0 : api.Messages / (double)calls,
            lags.Count - unanswered,
            unanswered,
            LagMs(lags, 0.50, toMs),
            LagMs(lags, 0.90, toMs),
            LagMs(lags, 0.99, toMs),
            LagMs(lags, 1.0, toMs),
            backlog,
            lastAnswer == 0 ? 0 : (lastAnswer - clock.MeasureEnd) / frequency,
            api.Profiles,
            api.Loadings,
            api.Duplicates,
            api.Foreign,
            api.Unauthorized,
            api.Other,
            [.. slices],
            cpu);
    }

    /// <summary>Nearest-rank percentile of sorted <paramref name="samples"/>.</summary>
    private static long Percentile(IReadOnlyList<long> samples, double p) =>
        samples.Count == 0 ? 0 : samples[Math.Clamp((int)Math.Ceiling(p * samples.Count) - 1, 0, samples.Count - 1)];

    /// <summary>A lag percentile in ms; infinity when it falls on a webhook that was never answered.</summary>
    private static double LagMs(List<long> lags, double p, double toMs) =>
        Percentile(lags, p) is var lag && lag == long.MaxValue ? double.PositiveInfinity : lag * toMs;

    /// <summary>How many of sorted <paramref name="times"/> are in [from, to).</summary>
    private static long Between(long[] times, long from, long to) => LowerBound(times, to) - LowerBound(times, from);

    private static int LowerBound(long[] times, long value)
    {
        int low = 0, high = times.Length;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (times[middle] < value) low = middle + 1;
            else high = middle;
        }
        return low;
    }

    public string ToText()
    {
        var c = CultureInfo.InvariantCulture;
        string Lag(double ms) => double.IsPositiveInfinity(ms) ? "unanswered" : ms.ToString("F1", c);
        var lines = new List<string>
        {
            string.Create(c, $"MigrantHelpBot LINE load test → {Options.Url} (fake LINE API on 127.0.0.1:{Options.ApiPort})"),
            string.Create(c, $"  config     {Options.Rate} webhooks/s open loop, {Options.Users} users, warm-up {Options.WarmupSeconds} s, measured {Options.DurationSeconds} s, run id {Options.RunId}"),
            string.Create(c, $"  sent       {Sent:N0} in {Options.DurationSeconds} s = {SentPerSecond:N1}/s; behind schedule p50 {LateP50:F2} ms, p99 {LateP99:F2} ms, max {LateMax:F2} ms (warm-up: {WarmupSent:N0} sent, {WarmupErrors:N0} errors)"),
            string.Create(c, $"  acked      {Acked:N0} × 200; errors {AckErrors:N0} (bad status {AckErrorsByOutcome[(int)Outcome.BadStatus]:N0}, I/O {AckErrorsByOutcome[(int)Outcome.Io]:N0}, timeouts {AckErrorsByOutcome[(int)Outcome.Timeout]:N0})"),
            string.Create(c, $"  ack ms     p50 {AckP50:F2}  p90 {AckP90:F2}  p99 {AckP99:F2}  p99.9 {AckP999:F2}  max {AckMax:F2}  (mean {AckMean:F2})"),
            string.Create(c, $"  turns      {Replies:N0} replies in the measured {Options.DurationSeconds} s = {RepliesPerSecond:N1} turns/s (+ {Pushes:N0} pushes = {PushesPerSecond:N1}/s); {MessagesPerCall:F2} messages per call"),
            string.Create(c, $"  lag ms     webhook → reply, measured webhooks: p50 {Lag(LagP50)}  p90 {Lag(LagP90)}  p99 {Lag(LagP99)}  max {Lag(LagMax)}; {Answered:N0} answered, {Unanswered:N0} not within {Options.DrainSeconds} s of the end"),
            string.Create(c, $"  backlog    {BacklogAtEnd:N0} acknowledged webhooks unanswered when the measurement ended; ")
                + (Answered == 0 ? "no measured one was answered"
                    : Unanswered > 0 ? string.Create(c, $"the last measured one answered came {LastAnswerAfterSeconds:F1} s after it, {Unanswered:N0} never")
                    : LastAnswerAfterSeconds <= 0 ? "every measured one was answered before it ended"
                    : string.Create(c, $"the last measured one was answered {LastAnswerAfterSeconds:F1} s after it")),
            string.Create(c, $"  LINE API   {Profiles:N0} profile reads, {Loadings:N0} loading animations, {Duplicates:N0} repeated replies, {Foreign:N0} replies to unknown tokens, {Unauthorized:N0} calls without a bearer token, {OtherCalls:N0} other calls"),
        };
        if (AckErrors > 0 && LastError is not null) lines.Add($"  last error {LastError}");
        lines.Add(string.Create(c, $"  per {SliceSeconds} s    sent/acked/replies(+pushes): ")
            + string.Join(" · ", Slices.Select(s => string.Create(c, $"{s.FromSeconds:F0}s {s.Sent}/{s.Acked}/{s.Replies}{(s.Pushes > 0 ? $"+{s.Pushes}" : string.Empty)}"))));
        if (Cpu is { } cpu) lines.Add(cpu.ToText());
        return string.Join(Environment.NewLine, lines);
    }

    public string ToJson()
    {
        static double Round(double value, int digits) => double.IsFinite(value) ? Math.Round(value, digits) : -1;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("mode", "line");
            json.WriteString("url", Options.Url.ToString());
            json.WriteNumber("rate", Options.Rate);
            json.WriteNumber("users", Options.Users);
            json.WriteNumber("warmupSeconds", Options.WarmupSeconds);
            json.WriteNumber("durationSeconds", Options.DurationSeconds);
            json.WriteString("runId", Options.RunId);
            json.WriteNumber("sent", Sent);
            json.WriteNumber("sentPerSecond", Round(SentPerSecond, 1));
            json.WriteNumber("lateP99Ms", Round(LateP99, 3));
            json.WriteNumber("lateMaxMs", Round(LateMax, 3));
            json.WriteNumber("acked", Acked);
            json.WriteNumber("ackErrors", AckErrors);
            json.WriteNumber("ackErrorsBadStatus", AckErrorsByOutcome[(int)Outcome.BadStatus]);
            json.WriteNumber("ackErrorsIo", AckErrorsByOutcome[(int)Outcome.Io]);
            json.WriteNumber("ackErrorsTimeout", AckErrorsByOutcome[(int)Outcome.Timeout]);
            json.WriteNumber("ackP50Ms", Round(AckP50, 3));
            json.WriteNumber("ackP90Ms", Round(AckP90, 3));
            json.WriteNumber("ackP99Ms", Round(AckP99, 3));
            json.WriteNumber("ackP999Ms", Round(AckP999, 3));
            json.WriteNumber("ackMaxMs", Round(AckMax, 3));
            json.WriteNumber("ackMeanMs", Round(AckMean, 3));
            json.WriteNumber("replies", Replies);
            json.WriteNumber("turnsPerSecond", Round(RepliesPerSecond, 1));
            json.WriteNumber("pushes", Pushes);
            json.WriteNumber("messagesPerCall", Round(MessagesPerCall, 3));
            json.WriteNumber("answered", Answered);
            json.WriteNumber("unanswered", Unanswered);
            json.WriteNumber("lagP50Ms", Round(LagP50, 1));
            json.WriteNumber("lagP90Ms", Round(LagP90, 1));
            json.WriteNumber("lagP99Ms", Round(LagP99, 1));
            json.WriteNumber("lagMaxMs", Round(LagMax, 1));
            json.WriteNumber("backlogAtEnd", BacklogAtEnd);
            json.WriteNumber("profiles", Profiles);
            json.WriteNumber("loadings", Loadings);
            Cpu?.WriteJson(json);
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
