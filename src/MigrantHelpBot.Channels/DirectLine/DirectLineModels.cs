using System.Text.Json.Serialization;
using MigrantHelpBot.Bot.Schema;

namespace MigrantHelpBot.Channels.DirectLine;

/// <summary>The Direct Line 3.0 conversation object.</summary>
public sealed class DirectLineConversation
{
    [JsonPropertyName("conversationId")] public string ConversationId { get; set; } = string.Empty;
    [JsonPropertyName("token")] public string? Token { get; set; }
    [JsonPropertyName("expires_in")] public int? ExpiresIn { get; set; }
    [JsonPropertyName("streamUrl")] public string? StreamUrl { get; set; }
}

/// <summary>Optional body of <c>tokens/generate</c> and <c>conversations</c>.</summary>
public sealed class DirectLineStartRequest
{
    [JsonPropertyName("user")] public ChannelAccount? User { get; set; }
    [JsonPropertyName("locale")] public string? Locale { get; set; }
}

[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DirectLineConversation))]
[JsonSerializable(typeof(DirectLineStartRequest))]
[JsonSerializable(typeof(DirectLineTokens.TokenClaims))]
internal sealed partial class DirectLineJsonContext : JsonSerializerContext;
