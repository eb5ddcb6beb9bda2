using System.Text.Json.Serialization;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Bot.State;

namespace MigrantHelpBot.Bot.Turns;

/// <summary>What the runtime itself keeps in conversation state.</summary>
public sealed class TurnBookkeeping
{
    public static readonly StateProperty<TurnBookkeeping> Property = new("bot.turn", BotStateJsonContext.Default.TurnBookkeeping);

    /// <summary>Where proactive messages for this conversation go.</summary>
    [JsonPropertyName("reference")] public ConversationReference? Reference { get; set; }

    /// <summary>Ids of the latest inbound activities, newest last.</summary>
    [JsonPropertyName("recent")] public List<string> RecentActivityIds { get; set; } = [];
}

[JsonSerializable(typeof(TurnBookkeeping))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class BotStateJsonContext : JsonSerializerContext;
