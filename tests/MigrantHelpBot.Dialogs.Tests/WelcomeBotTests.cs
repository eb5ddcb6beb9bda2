using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Bot.Turns;
using MigrantHelpBot.Dialogs.Welcome;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Dialogs.Tests;

public class WelcomeBotTests
{
    private static readonly Dialogs.Locales.LocaleCatalog L = Catalog.Real;

    private static TestConversation NewConversation(string? locale = null, IBot? bot = null, MemoryStateStore? store = null, string conversationId = "c1") =>
        new(bot ?? new WelcomeBot(L), store, errorHandler: new PoliteErrorHandler(L), conversationId: conversationId, locale: locale);

    [Fact]
    public async Task The_greeting_asks_in_every_language_and_offers_a_button_for_each()
    {
        var replies = await NewConversation().JoinAsync();

        var greeting = Assert.Single(replies);
        Assert.Equal(string.Join('\n', Catalog.Languages.Select(l => L.Text(l, "welcome.choose"))), greeting.Text);
        Assert.Equal(["Tiếng Việt", "Tagalog", "ខ្មែរ", "မြန်မာ", "English"], replies.Buttons());
        Assert.Equal(InputHints.ExpectingInput, greeting.InputHint);
    }

    [Fact]
    public async Task The_channel_locale_puts_the_likely_language_first()
    {
        var replies = await NewConversation(locale: "my-MM").JoinAsync();

        Assert.StartsWith(L.Text("my", "welcome.choose"), replies[0].Text);
        Assert.Equal("မြန်မာ", replies.Buttons()[0]);
    }

    [Theory]
    [InlineData("Tiếng Việt", "vi")]
    [InlineData("tagalog", "tl")]
    [InlineData("  ខ្មែរ ", "km")]
    [InlineData("မြန်မာ", "my")]
    [InlineData("EN", "en")]
    public async Task Choosing_a_language_answers_in_it_with_the_emergency_numbers(string tapped, string language)
    {
        var conversation = NewConversation();
        await conversation.JoinAsync();

        var replies = await conversation.SendAsync(tapped);

        Assert.Equal(
            [L.Text(language, "welcome.chosen"), L.Text(language, "welcome.trial"), L.Text(language, "safety.emergency"), L.Text(language, "welcome.ask")],
            replies.Texts());
        Assert.All(replies, r => Assert.Equal(language, r.Locale));
        Assert.Equal([L.Text(language, "welcome.change_language")], replies.Buttons());
    }

    [Fact]
    public async Task Later_messages_are_acknowledged_honestly_in_the_chosen_language()
    {
        var conversation = NewConversation();
        await conversation.SendAsync("hello");
        await conversation.SendAsync("Tagalog");

        var replies = await conversation.SendAsync("Hindi pa ako binabayaran ng tatlong buwan");

        Assert.Equal([L.Text("tl", "welcome.received"), L.Text("tl", "safety.emergency")], replies.Texts());
    }

    [Fact]
    public async Task Something_other_than_a_language_while_choosing_offers_the_languages_again()
    {
        var conversation = NewConversation();
        await conversation.JoinAsync();

        var replies = await conversation.SendAsync("tôi cần giúp đỡ");

        Assert.Equal(5, replies.Buttons().Count);
    }

    [Fact]
    public async Task The_change_language_button_brings_the_menu_back()
    {
        var conversation = NewConversation();
        await conversation.SendAsync("Tiếng Việt");

        var menu = await conversation.SendAsync(L.Text("vi", "welcome.change_language"));
        Assert.Equal("Tiếng Việt", menu.Buttons()[0]);

        var replies = await conversation.SendAsync("ខ្មែរ");
        Assert.Equal(L.Text("km", "welcome.chosen"), replies[0].Text);
    }

    [Fact]
    public async Task The_language_is_remembered_for_the_worker_in_a_new_conversation()
    {
        var store = new MemoryStateStore();
        var first = NewConversation(store: store);
        await first.SendAsync("hi");
        await first.SendAsync("မြန်မာ");

        var second = NewConversation(store: store, conversationId: "c2");
        var replies = await second.JoinAsync();

        Assert.Equal("မြန်မာ", replies.Buttons()[0]);
        Assert.StartsWith(L.Text("my", "welcome.choose"), replies[0].Text);
    }

    [Fact]
    public async Task A_failing_turn_apologises_in_the_workers_language_with_the_emergency_numbers()
    {
        var store = new MemoryStateStore();
        var conversation = NewConversation(store: store);
        await conversation.SendAsync("hi");
        await conversation.SendAsync("Tiếng Việt");

        var failing = NewConversation(store: store, bot: new FailingBot(), conversationId: "c2");
        var replies = await failing.SendAsync("anything");

        Assert.Equal([L.Text("vi", "errors.turn_failed"), L.Text("vi", "safety.emergency")], replies.Texts());
    }

    [Fact]
    public async Task A_failing_first_turn_apologises_in_every_language()
    {
        var replies = await NewConversation(bot: new FailingBot()).SendAsync("hi");

        Assert.Equal(L.InEveryLanguage("errors.turn_failed"), replies[0].Text);
    }

    private sealed class FailingBot : IBot
    {
        public Task OnTurnAsync(ITurnContext turn, CancellationToken cancellationToken) => throw new InvalidOperationException("a bug");
    }
}
