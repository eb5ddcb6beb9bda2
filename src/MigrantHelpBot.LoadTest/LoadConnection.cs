using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MigrantHelpBot.LoadTest;

/// <summary>When the run warms up, measures and stops, in <see cref="Stopwatch"/> ticks.</summary>
internal sealed class RunClock(long start, long measureStart, long measureEnd)
{
    private volatile bool _stopping;

    public long Start { get; } = start;
    public long MeasureStart { get; } = measureStart;
    public long MeasureEnd { get; } = measureEnd;
    public bool Stopping => _stopping;

    public void Stop() => _stopping = true;
}

internal enum Outcome { Ok, BadStatus, BadBody, Io, Timeout }

/// <summary>
/// One keep-alive connection with one request in flight at a time, cycling through the
/// conversations it alone owns. Latencies of measured successful turns are kept raw.
/// </summary>
internal sealed class LoadConnection
{
    private const int MaxResponseBytes = 4 * 1024 * 1024;

    private readonly EndPoint _endPoint;
    private readonly ScriptedConversation[] _conversations;
    private readonly byte[] _send;
    private byte[] _receive = new byte[16 * 1024];
    private byte[] _scratch = new byte[16 * 1024];
    private Socket? _socket;
    private long _inFlightSince;
    private volatile bool _timedOut;
    private long[] _samples = new long[64 * 1024];
    private int _next;
    private int _lastReplies;

    public LoadConnection(EndPoint endPoint, ScriptedConversation[] conversations)
    {
        _endPoint = endPoint;
        _conversations = conversations;
        _send = new byte[conversations.Max(c => c.MaxRequestBytes)];
    }

    public int SampleCount { get; private set; }
    public ReadOnlySpan<long> Samples => _samples.AsSpan(0, SampleCount);
    public long[] Errors { get; } = new long[Enum.GetValues<Outcome>().Length];
    public long WarmupTurns { get; private set; }

    /// <summary>Message activities in the replies of measured turns (a check that the dialog answers as scripted).</summary>
    public long Replies { get; private set; }
    public long WarmupErrors { get; private set; }

    /// <summary>The slowest measured turn and when it ended (<see cref="Stopwatch"/> ticks), to line stalls up with other logs.</summary>
    public long MaxTicks { get; private set; }
    public long MaxEndedAt { get; private set; }
    public string? LastError { get; private set; }

    /// <summary>Sends turns until the clock stops, then finishes the one in flight.</summary>
    public async Task RunAsync(RunClock clock)
    {
        while (!clock.Stopping)
        {
            if (_socket is null && !await TryConnectAsync())
            {
                Count(clock, Outcome.Io, Stopwatch.GetTimestamp());
                await Task.Delay(100);
                continue;
            }

            var conversation = _conversations[_next];
            _next = (_next + 1) % _conversations.Length;
            var length = conversation.RenderNext(_send);
            var start = Stopwatch.GetTimestamp();
            Volatile.Write(ref _inFlightSince, start);
            var outcome = await SendAsync(length);
            var end = Stopwatch.GetTimestamp();
            Volatile.Write(ref _inFlightSince, 0);

            if (outcome == Outcome.Ok && end >= clock.MeasureStart && end <= clock.MeasureEnd)
            {
                Record(end - start);
                Replies += _lastReplies;
                if (end - start > MaxTicks)
                {
                    MaxTicks = end - start;
                    MaxEndedAt = end;
                }
            }
            else
            {
                Count(clock, outcome, end);
            }
        }
        _socket?.Dispose();
    }

    /// <summary>Counts a turn by when it ended: in the warm-up, measured, or after the end (not counted).</summary>
    private void Count(RunClock clock, Outcome outcome, long end)
    {
        if (end < clock.MeasureStart)
        {
            if (outcome == Outcome.Ok) WarmupTurns++;
            else WarmupErrors++;
        }
        else if (end <= clock.MeasureEnd && outcome != Outcome.Ok)
        {
            Errors[(int)outcome]++;
        }
    }

    /// <summary>Sends one turn and closes: does the server answer?</summary>
    public async Task<(Outcome Outcome, string? Error)> ProbeAsync()
    {
        if (!await TryConnectAsync()) return (Outcome.Io, LastError);
        var outcome = await SendAsync(_conversations[0].RenderNext(_send));
        CloseSocket();
        return (outcome, LastError);
    }

    /// <summary>Fails the request in flight if it started before <paramref name="deadline"/> (called by the watchdog).</summary>
    public void AbortIfStartedBefore(long deadline)
    {
        var since = Volatile.Read(ref _inFlightSince);
        if (since == 0 || since >= deadline) return;
        _timedOut = true;
        _socket?.Dispose();
    }

    private async Task<Outcome> SendAsync(int length)
    {
        var socket = _socket!;
        try
        {
            var sent = 0;
            while (sent < length) sent += await socket.SendAsync(_send.AsMemory(sent, length - sent), SocketFlags.None);

            var filled = 0;
            while (true)
            {
                if (filled == _receive.Length)
                {
                    if (_receive.Length >= MaxResponseBytes) return Fail(Outcome.BadBody, "a response larger than 4 MiB");
                    Array.Resize(ref _receive, _receive.Length * 2);
                }
                var read = await socket.ReceiveAsync(_receive.AsMemory(filled), SocketFlags.None);
                if (read == 0) return Fail(Outcome.Io, "the server closed the connection");
                filled += read;

                switch (HttpResponseParser.TryParse(_receive.AsSpan(0, filled), ref _scratch, out var response))
                {
                    case ParseStatus.Incomplete:
                        continue;
                    case ParseStatus.Invalid:
                        return Fail(Outcome.BadBody, "a response that is not valid HTTP/1.1");
                    default:
                        return Judge(response, filled);
                }
            }
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException or IOException)
        {
            var timedOut = _timedOut;
            _timedOut = false;
            return timedOut ? Fail(Outcome.Timeout, "a request timed out") : Fail(Outcome.Io, exception.Message);
        }
    }

    private Outcome Judge(HttpResponse response, int filled)
    {
        // One request in flight: anything after the response is a protocol error.
        if (response.Consumed != filled) return Fail(Outcome.BadBody, "bytes after the response");
        if (response.Close) CloseSocket();
        if (response.StatusCode != 200)
        {
            LastError = $"HTTP {response.StatusCode}";
            return Outcome.BadStatus;
        }
        var body = response.BodyInScratch
            ? _scratch.AsSpan(response.BodyOffset, response.BodyLength)
            : _receive.AsSpan(response.BodyOffset, response.BodyLength);
        if (!HttpResponseParser.HasReplies(body))
        {
            LastError = "a 200 without any reply activity";
            return Outcome.BadBody;
        }
        _lastReplies = HttpResponseParser.CountMessages(body);
        return Outcome.Ok;
    }

    private Outcome Fail(Outcome outcome, string why)
    {
        LastError = why;
        CloseSocket();
        return outcome;
    }

    private void CloseSocket()
    {
        _socket?.Dispose();
        _socket = null;
    }

    private async Task<bool> TryConnectAsync()
    {
        var socket = new Socket(_endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(_endPoint);
            _socket = socket;
            _timedOut = false;
            return true;
        }
        catch (SocketException exception)
        {
            socket.Dispose();
            LastError = exception.Message;
            return false;
        }
    }

    private void Record(long ticks)
    {
        if (SampleCount == _samples.Length) Array.Resize(ref _samples, _samples.Length * 2);
        _samples[SampleCount++] = ticks;
    }
}
