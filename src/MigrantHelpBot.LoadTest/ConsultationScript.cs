namespace MigrantHelpBot.LoadTest;

/// <summary>
/// What every load-test conversation says, round after round: a worker's consultation in Tagalog
/// — the language, consent, a story the classifier reads and the worker confirms, a prefecture, a
/// number, the help command mid-question — ending with "delete my data", so the next round starts
/// from a fresh conversation. Shared (as a linked file) with the benchmarks and with the test that
/// checks every step is understood.
/// </summary>
internal static class ConsultationScript
{
    public static readonly string[] Cycle =
    [
        "Tagalog",
        "Oo",
        "Hindi pa po ako binabayaran ng sahod ko ng tatlong buwan",
        "Oo",
        "Hiroshima",
        "3",
        "tulong",
        "burahin",
        "Oo",
    ];
}
