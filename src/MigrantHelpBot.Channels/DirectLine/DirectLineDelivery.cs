using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using MigrantHelpBot.Bot;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Bot.State;
using MigrantHelpBot.Bot.Storage;
using MigrantHelpBot.Bot.Turns;

namespace MigrantHelpBot.Channels.DirectLine;

/// <summary>
/// Delivery for our own Direct Line: the user's activity and the bot's replies are appended to the
/// conversation's log in the turn's commit; clients read them by polling with a watermark.
/// </summary>
public sealed class DirectLineDelivery(IOptions<BotOptions> bot) : ITurnDelivery
{
    public const string ChannelId = "directline";

    /// <summary>The serviceUrl of activities that arrive over this host's Direct Line.</summary>
    public const string ServiceUrl = "urn:migranthelpbot:directline";

    public static string LogKey(string conversationId) => StateKeys.Conversation(ChannelId, conversationId);

    /// <summary>A new activity id in Direct Line's <c>{conversationId}|{suffix}</c> form.</summary>
    public static string NewActivityId(string conversationId) =>
        $"{conversationId}|{Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant()}";

    public void Stage(Activity inbound, IReadOnlyList<Activity> outgoing, StateCommit commit)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        ArgumentNullException.ThrowIfNull(outgoing);
        ArgumentNullException.ThrowIfNull(commit);
        var conversationId = inbound.Conversation!.Id!;
        var key = LogKey(conversationId);
        if (inbound.Type is ActivityTypes.Message or ActivityTypes.Event && inbound.Name != "ContinueConversation")
        {
            commit.LogAppends.Add(new LogAppend(key, JsonSerializer.Serialize(inbound, BotJsonContext.Wire.Activity)));
        }
        foreach (var activity in outgoing)
        {
            activity.Id ??= NewActivityId(conversationId);
            activity.ChannelId = ChannelId;
            activity.ServiceUrl = ServiceUrl;
            activity.Conversation = new ConversationAccount { Id = conversationId };
            activity.From = new ChannelAccount { Id = bot.Value.Id, Name = bot.Value.Name, Role = "bot" };
            commit.LogAppends.Add(new LogAppend(key, JsonSerializer.Serialize(activity, BotJsonContext.Wire.Activity)));
        }
    }

    public void Committed(Activity inbound, IReadOnlyList<Activity> outgoing, StateCommit commit)
    {
    }
}
