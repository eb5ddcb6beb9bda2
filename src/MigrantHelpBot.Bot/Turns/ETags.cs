namespace MigrantHelpBot.Bot.Turns;

internal static class ETags
{
    /// <summary>A fresh random eTag; random, not a counter, so a deleted and re-created key never reuses one.</summary>
    public static string New() => Random.Shared.NextInt64().ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
}
