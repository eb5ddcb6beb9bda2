using MigrantHelpBot.Bot.Schema;

namespace MigrantHelpBot.Bot.State;

/// <summary>The storage keys Bot Framework uses for conversation and user state.</summary>
public static class StateKeys
{
    public static string Conversation(string channelId, string conversationId) => $"{channelId}/conversations/{conversationId}";

    public static string User(string channelId, string userId) => $"{channelId}/users/{userId}";

    public static string Conversation(Activity activity) =>
        Conversation(activity.ChannelId ?? string.Empty, activity.Conversation?.Id ?? string.Empty);

    public static string Conversation(ConversationReference reference) =>
        Conversation(reference.ChannelId ?? string.Empty, reference.Conversation?.Id ?? string.Empty);
}
