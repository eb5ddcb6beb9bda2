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
}
