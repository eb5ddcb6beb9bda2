using System.Globalization;
using System.Text;
using System.Text.Json;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Bot.Storage;
using MigrantHelpBot.Channels.Line;
using MigrantHelpBot.Channels.Messenger;
using MigrantHelpBot.Channels.Outbox;

namespace MigrantHelpBot.Host.Tests;

/// <summary>A turn's long answers and many buttons, cut to LINE's and Messenger's limits without losing or breaking a character.</summary>
public class ChannelLimitsTests
{
    private static readonly Activity Inbound = new()
    {
        Type = ActivityTypes.Message, ChannelId = "line", Conversation = new ConversationAccount { Id = "U1" }, From = new ChannelAccount { Id = "U1" },
    };

    /// <summary>12,000 UTF-16 units of Burmese, Vietnamese and emoji (surrogate pairs), with and without spaces.</summary>
    private static string LongText()
    {
        var text = new StringBuilder();
        while (text.Length < 6000) text.Append("Tôi cần giúp đỡ 🙏 ကူညီပါ ");
        while (text.Length < 12000) text.Append("🙏ကူညီပါ");
        return text.ToString();
    }

    private static List<Activity> Turn() =>
    [
        new() { Type = ActivityTypes.Message, Text = LongText() },
        new()
        {
            Type = ActivityTypes.Message, Text = "Chọn một:",
            SuggestedActions = new SuggestedActions { Actions = [.. Enumerable.Range(1, 20).Select(i => CardAction.ImBack($"Lựa chọn rất dài số {i} 👷‍♀️ có nhiều chữ", $"Lựa chọn rất dài số {i} 👷‍♀️ có nhiều chữ"))] },
        },
        .. Enumerable.Range(1, 6).Select(i => new Activity { Type = ActivityTypes.Message, Text = $"Tin nhắn {i}" }),
        new() { Type = ActivityTypes.Event, Name = "handoff.initiate" },
    ];

    private static string Squash(string text) => text.Replace(" ", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal);

    [Fact]
    public void LINE_gets_at_most_five_messages_a_call_texts_within_5000_units_and_13_quick_replies_with_short_labels()
    {
        var commit = new StateCommit();
        new LineDelivery(new OutboxSignal()).Stage(Inbound, Turn(), commit);
        var calls = commit.Outbox.Select(o => JsonSerializer.Deserialize(o.Payload, LineJson.Default.LineSend)!).ToList();
        var messages = calls.SelectMany(c => c.Messages).ToList();

        Assert.All(calls, c => Assert.InRange(c.Messages.Count, 1, 5));
        Assert.Equal(calls.Count, commit.Outbox.Select(o => o.IdempotencyKey).Distinct().Count());
        Assert.Equal(calls.Count, calls.Select(c => c.RetryKey).Distinct().Count());
        Assert.All(messages, m => Assert.InRange(m.Text.Length, 1, 5000));
        Assert.All(messages, m => Assert.False(char.IsHighSurrogate(m.Text[^1]), "a surrogate pair was cut"));
        Assert.Equal(3 + 1 + 6, messages.Count); // the long text in three parts, the question, six short ones; no event
        Assert.Equal(Squash(LongText()), Squash(string.Concat(messages.Take(3).Select(m => m.Text))));
        var quick = Assert.Single(messages, m => m.QuickReply is not null).QuickReply!.Items;
        Assert.Equal(13, quick.Count);
        Assert.All(quick, q => Assert.InRange(new StringInfo(q.Action.Label).LengthInTextElements, 1, 20));
        Assert.All(quick, q => Assert.StartsWith("Lựa chọn rất dài số", q.Action.Text, StringComparison.Ordinal)); // a tap sends the whole choice
    }

    [Fact]
    public void Messenger_gets_texts_within_2000_characters_and_13_quick_replies_with_short_titles()
    {
        var commit = new StateCommit();
        new MessengerDelivery(new OutboxSignal()).Stage(Inbound, Turn(), commit);
        var sends = commit.Outbox.Select(o => JsonSerializer.Deserialize(o.Payload, MessengerJson.Default.MessengerSend)!).ToList();

        Assert.All(sends, m => Assert.InRange(m.Text.Length, 1, 2000));
        Assert.All(sends, m => Assert.False(char.IsHighSurrogate(m.Text[^1]), "a surrogate pair was cut"));
        Assert.Equal(Squash(LongText()), Squash(string.Concat(sends.TakeWhile(m => m.Text != "Chọn một:").Select(m => m.Text))));
        var quick = Assert.Single(sends, m => m.QuickReplies is not null).QuickReplies!;
        Assert.Equal(13, quick.Count);
        Assert.All(quick, q => Assert.InRange(new StringInfo(q.Title).LengthInTextElements, 1, 20));
        Assert.Equal(commit.Outbox.Count, commit.Outbox.Select(o => o.IdempotencyKey).Distinct().Count());
    }
}
