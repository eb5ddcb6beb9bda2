using System.Text.Json.Serialization;
using MigrantHelpBot.Bot.State;

namespace MigrantHelpBot.Dialogs.Welcome;

/// <summary>What we keep about a worker across conversations: only their language.</summary>
public sealed class WorkerProfile
{
    public static readonly StateProperty<WorkerProfile> Property = new("profile", WelcomeJsonContext.Default.WorkerProfile);

    [JsonPropertyName("language")] public string? Language { get; set; }
}

/// <summary>Where this conversation is in the welcome dialog.</summary>
public sealed class WelcomeProgress
{
    public static readonly StateProperty<WelcomeProgress> Property = new("welcome", WelcomeJsonContext.Default.WelcomeProgress);

    [JsonPropertyName("step")] public WelcomeStep Step { get; set; } = WelcomeStep.ChoosingLanguage;

    /// <summary>Messages received since the language was chosen.</summary>
    [JsonPropertyName("messages")] public int Messages { get; set; }
}

[JsonConverter(typeof(JsonStringEnumConverter<WelcomeStep>))]
public enum WelcomeStep { ChoosingLanguage, Chatting }

[JsonSerializable(typeof(WorkerProfile))]
[JsonSerializable(typeof(WelcomeProgress))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class WelcomeJsonContext : JsonSerializerContext;
