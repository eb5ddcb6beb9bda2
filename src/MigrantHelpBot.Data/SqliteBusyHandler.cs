using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace MigrantHelpBot.Data;

/// <summary>
/// Waits for another connection's write lock in milliseconds. SQLite's own busy handler
/// (<c>PRAGMA busy_timeout</c>) sleeps in short steps only when SQLite was built with <c>usleep</c>;
/// the e_sqlite3 of SQLitePCLRaw 2.0.6 was not (it imports only <c>sleep(3)</c>), so there every wait
/// is a whole second, and a writer that meets a lock stalls everything queued behind it. This
/// handler keeps SQLite's own schedule (1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100 ms, then 100 ms)
/// up to the same 10 s limit. SQLitePCLRaw 2.0.6 does not wrap <c>sqlite3_busy_handler</c>, so it
/// is called in the native library directly.
/// </summary>
internal static unsafe partial class SqliteBusyHandler
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    private static readonly int[] Delays = [1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100];

    public static void Install(SqliteConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var handle = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        var result = sqlite3_busy_handler(handle.DangerousGetHandle(), &Wait, IntPtr.Zero);
        if (result != 0) throw new InvalidOperationException($"sqlite3_busy_handler failed ({result}).");
    }

    /// <summary>Milliseconds slept before try <paramref name="count"/> (0-based), or null when the limit is reached.</summary>
    internal static int? Delay(int count)
    {
        var waited = 0;
        for (var i = 0; i < count; i++) waited += Delays[Math.Min(i, Delays.Length - 1)];
        return waited >= Limit.TotalMilliseconds ? null : Delays[Math.Min(count, Delays.Length - 1)];
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int Wait(IntPtr argument, int count)
    {
        if (Delay(count) is not { } milliseconds) return 0; // give up: SQLITE_BUSY
        Thread.Sleep(milliseconds);
        return 1; // try again
    }

    [LibraryImport("e_sqlite3")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial int sqlite3_busy_handler(IntPtr db, delegate* unmanaged[Cdecl]<IntPtr, int, int> handler, IntPtr argument);
}
