namespace MigrantHelpBot.Bot;

/// <summary>Configuration section <c>Bot</c>: the bot's own account on channels we host (Direct Line).</summary>
public sealed class BotOptions
{
    public const string Section = "Bot";

    public string Id { get; set; } = "migranthelpbot";

    public string Name { get; set; } = "MigrantHelpBot";
}
