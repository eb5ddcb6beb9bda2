using System.Diagnostics;
using System.Globalization;

namespace MigrantHelpBot.LoadTest;

/// <summary>CPU time used so far by this process, the host (if its pid is known) and the whole machine (Linux).</summary>
internal readonly record struct CpuSnapshot(long Timestamp, TimeSpan Self, TimeSpan? Host, long? MachineBusyTicks, long? MachineTotalTicks)
{
    public static CpuSnapshot Take(int? hostPid)
    {
        using var self = Process.GetCurrentProcess();
        TimeSpan? host = null;
        if (hostPid is int pid)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                host = process.TotalProcessorTime;
            }
            catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                host = null;
            }
        }
        var (busy, total) = ReadProcStat();
        return new CpuSnapshot(Stopwatch.GetTimestamp(), self.TotalProcessorTime, host, busy, total);
    }

    /// <summary>The first line of /proc/stat: user nice system idle iowait irq softirq steal …, in clock ticks.</summary>
    private static (long? Busy, long? Total) ReadProcStat()
    {
        try
        {
            if (!File.Exists("/proc/stat")) return (null, null);
            using var reader = new StreamReader("/proc/stat");
            var line = reader.ReadLine();
            if (line is null || !line.StartsWith("cpu ", StringComparison.Ordinal)) return (null, null);
            var fields = line[4..].Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Take(8).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            var total = fields.Sum();
            var idle = fields[3] + (fields.Length > 4 ? fields[4] : 0);
            return (total - idle, total);
        }
        catch (Exception exception) when (exception is IOException or FormatException or UnauthorizedAccessException)
        {
            return (null, null);
        }
    }
}

/// <summary>CPU used between two snapshots, as a share of one core (100 = one core busy) and of the machine.</summary>
internal readonly record struct CpuUsage(double SelfCores, double? HostCores, double? MachineBusyPercent)
{
    public static CpuUsage Between(CpuSnapshot from, CpuSnapshot to)
    {
        var wall = Stopwatch.GetElapsedTime(from.Timestamp, to.Timestamp).TotalSeconds;
        if (wall <= 0) return new CpuUsage(0, null, null);
        double? host = from.Host is { } h0 && to.Host is { } h1 ? (h1 - h0).TotalSeconds / wall : null;
        double? machine = from.MachineTotalTicks is { } t0 && to.MachineTotalTicks is { } t1 && t1 > t0
            ? 100.0 * (to.MachineBusyTicks!.Value - from.MachineBusyTicks!.Value) / (t1 - t0)
            : null;
        return new CpuUsage((to.Self - from.Self).TotalSeconds / wall, host, machine);
    }

    /// <summary>
    /// Waits through the run's warm-up and measured window, calling <paramref name="tick"/> at least every
    /// 250 ms and <paramref name="measuring"/> once the window opens; the CPU used during the window.
    /// </summary>
    public static async Task<CpuUsage> MeasureAsync(RunClock clock, int? hostPid, Action<long>? tick = null, Func<Task>? measuring = null)
    {
        ArgumentNullException.ThrowIfNull(clock);
        CpuSnapshot? from = null;
        while (true)
        {
            var now = Stopwatch.GetTimestamp();
            if (from is null && now >= clock.MeasureStart)
            {
                from = CpuSnapshot.Take(hostPid);
                if (measuring is not null) await measuring();
            }
            if (now >= clock.MeasureEnd) return Between(from ?? CpuSnapshot.Take(hostPid), CpuSnapshot.Take(hostPid));
            tick?.Invoke(now);
            var next = from is null ? clock.MeasureStart : clock.MeasureEnd;
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Clamp((next - now) * 1000.0 / Stopwatch.Frequency, 1, 250)));
        }
    }

    /// <summary>The summary line: "  cpu        host … cores, load tool … cores, machine … % busy".</summary>
    public string ToText()
    {
        var c = CultureInfo.InvariantCulture;
        var host = HostCores is { } h ? string.Create(c, $"host {h:F2} cores, ") : string.Empty;
        var machine = MachineBusyPercent is { } m ? string.Create(c, $", machine {m:F0} % busy of {Environment.ProcessorCount} cores") : string.Empty;
        return string.Create(c, $"  cpu        {host}load tool {SelfCores:F2} cores{machine}");
    }

    public void WriteJson(System.Text.Json.Utf8JsonWriter json)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.WriteNumber("loadToolCores", Math.Round(SelfCores, 3));
        if (HostCores is { } host) json.WriteNumber("hostCores", Math.Round(host, 3));
        if (MachineBusyPercent is { } machine) json.WriteNumber("machineBusyPercent", Math.Round(machine, 1));
    }
}
