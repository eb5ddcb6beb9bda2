using System.Text.Json.Serialization;
using MigrantHelpBot.Bot.Schema;

namespace MigrantHelpBot.Channels.Connector;

/// <summary>An outbox entry for the connector: where to POST, and the activity.</summary>
internal sealed class ConnectorPayload
{
    [JsonPropertyName("serviceUrl")] public string ServiceUrl { get; set; } = string.Empty;
    [JsonPropertyName("conversationId")] public string ConversationId { get; set; } = string.Empty;
    [JsonPropertyName("activity")] public Activity Activity { get; set; } = new();
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ConnectorPayload))]
internal sealed partial class ConnectorJsonContext : JsonSerializerContext;
