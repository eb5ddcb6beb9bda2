using System.Text.Json;
using System.Text.Json.Nodes;
using MigrantHelpBot.Bot.Schema;

namespace MigrantHelpBot.Bot.Tests;

public class ActivitySchemaTests
{
    private const string Full = """
        {
          "type": "message",
          "id": "act-1",
          "timestamp": "2026-11-21T03:04:05.678+00:00",
          "localTimestamp": "2026-11-21T12:04:05.678+09:00",
          "localTimezone": "Asia/Tokyo",
          "serviceUrl": "https://smba.example.net/apac/",
          "channelId": "msteams",
          "from": { "id": "u1", "name": "Lan", "role": "user", "aadObjectId": "aad", "futureAccountField": [1, 2] },
          "recipient": { "id": "b1", "name": "Bot", "role": "bot" },
          "conversation": { "id": "c1", "isGroup": false, "conversationType": "personal", "tenantId": "t1", "x-extra": { "deep": true } },
          "text": "Tôi chưa được trả lương 3 tháng",
          "textFormat": "plain",
          "locale": "vi-VN",
          "attachments": [ { "contentType": "application/vnd.microsoft.card.hero", "content": { "title": "t", "buttons": [] }, "name": "card", "unknownAttachmentField": "kept" } ],
          "suggestedActions": { "to": ["u1"], "actions": [ { "type": "imBack", "title": "Có", "value": "yes", "channelData": { "x": 1 }, "extraAction": 5 } ] },
          "value": { "choice": 2, "nested": [ null, "a" ] },
          "name": "ev",
          "replyToId": "prev",
          "deliveryMode": "expectReplies",
          "channelData": { "clientActivityID": "abc", "line": { "replyToken": "r" } },
          "entities": [ { "type": "clientInfo", "locale": "vi-VN", "country": "JP", "platform": "Android" } ],
          "inputHint": "acceptingInput",
          "membersAdded": [ { "id": "u1" } ],
          "relatesTo": { "activityId": "a0", "conversation": { "id": "c1" }, "channelId": "msteams", "serviceUrl": "https://x/" },
          "speak": "s",
          "summary": "sum",
          "expiration": "2026-11-22T00:00:00+00:00",
          "importance": "high",
          "callerId": "urn:botframework:azure",
          "semanticAction": { "id": "sa", "state": "start", "entities": {} },
          "textHighlights": [ { "text": "3", "occurrence": 1 } ],
          "listenFor": ["yes"],
          "aFieldFromTheFuture": { "any": ["shape", 1, false] }
        }
        """;

    [Fact]
    public void Every_property_survives_a_round_trip_including_ones_we_do_not_model()
    {
        var activity = JsonSerializer.Deserialize(Full, BotJsonContext.Wire.Activity)!;
        var written = JsonSerializer.Serialize(activity, BotJsonContext.Wire.Activity);

        var before = JsonNode.Parse(Full)!;
        var after = JsonNode.Parse(written)!;
        // Timestamps are compared as instants: the same moment may be written in another form.
        foreach (var field in new[] { "timestamp", "localTimestamp", "expiration" })
        {
            Assert.Equal(DateTimeOffset.Parse(before[field]!.GetValue<string>()), DateTimeOffset.Parse(after[field]!.GetValue<string>()));
            before.AsObject().Remove(field);
            after.AsObject().Remove(field);
        }
        Assert.True(JsonNode.DeepEquals(before, after), $"Round trip changed the activity:\n{written}");
    }

    [Fact]
    public void Modelled_properties_are_read_with_their_types()
    {
        var activity = JsonSerializer.Deserialize(Full, BotJsonContext.Wire.Activity)!;

        Assert.Equal(ActivityTypes.Message, activity.Type);
        Assert.Equal("u1", activity.From!.Id);
        Assert.Equal("c1", activity.Conversation!.Id);
        Assert.Equal(DeliveryModes.ExpectReplies, activity.DeliveryMode);
        Assert.Equal("vi-VN", activity.Locale);
        Assert.Equal("yes", activity.SuggestedActions!.Actions![0].Value!.Value.GetString());
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 12, 4, 5, 678, TimeSpan.FromHours(9)), activity.LocalTimestamp);
        Assert.True(activity.Properties!.ContainsKey("semanticAction"));
        Assert.Equal("kept", activity.Attachments![0].Properties!["unknownAttachmentField"].GetString());
    }

    [Fact]
    public void Writing_uses_the_protocol_casing_and_omits_nulls()
    {
        var json = JsonSerializer.Serialize(new Activity { Type = "message", ReplyToId = "x", ChannelId = "test" }, BotJsonContext.Wire.Activity);
        Assert.Equal("""{"type":"message","channelId":"test","replyToId":"x"}""", json);
    }

    [Fact]
    public void Reading_is_case_insensitive_like_the_bot_framework()
    {
        var activity = JsonSerializer.Deserialize("""{"Type":"message","ChannelID":"x","Text":"hi"}""", BotJsonContext.Wire.Activity)!;
        Assert.Equal("message", activity.Type);
        Assert.Equal("x", activity.ChannelId);
        Assert.Equal("hi", activity.Text);
    }

    [Fact]
    public void Worker_languages_are_written_as_utf8_not_escapes()
    {
        var json = JsonSerializer.Serialize(new Activity { Text = "ខ្មែរ မြန်မာ Tiếng Việt <b>" }, BotJsonContext.Wire.Activity);
        Assert.Contains("ខ្មែរ မြန်မာ Tiếng Việt", json);
        Assert.DoesNotContain("<b>", json); // HTML-sensitive characters are still escaped
    }

    [Fact]
    public void A_reply_is_addressed_back_to_the_sender()
    {
        var inbound = JsonSerializer.Deserialize(Full, BotJsonContext.Wire.Activity)!;
        var reply = inbound.CreateReply("ok", "vi");

        Assert.Equal("b1", reply.From!.Id);
        Assert.Equal("u1", reply.Recipient!.Id);
        Assert.Equal("c1", reply.Conversation!.Id);
        Assert.Equal("act-1", reply.ReplyToId);
        Assert.Equal(inbound.ServiceUrl, reply.ServiceUrl);
        Assert.Equal("vi", reply.Locale);
    }
}
