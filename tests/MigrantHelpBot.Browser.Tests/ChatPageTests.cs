using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MigrantHelpBot.Browser.Tests;

/// <summary>Our own chat page at <c>/</c>, served by the host: the page workers open on their phones.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ChatPageTests(BotHost host)
{
    [Fact]
    public async Task Chat_page_greets_switches_to_Tagalog_and_answers_in_Tagalog()
    {
        await using var session = await host.OpenAsync();
        var locales = host.Locales;

        await session.RunAsync(async page =>
        {
            await page.GotoAsync(host.Address + "/");

            foreach (var language in locales.Languages)
            {
                await Expect(BotMessage(page, locales.Text(language, "welcome.choose"))).ToBeVisibleAsync();
                await Expect(Suggestion(page, locales.Text(language, "language.name"))).ToBeVisibleAsync();
            }

            await Suggestion(page, locales.Text("tl", "language.name")).ClickAsync();
            await Expect(BotMessage(page, locales.Text("tl", "welcome.chosen"))).ToBeVisibleAsync();
            await Expect(BotMessage(page, locales.Text("tl", "welcome.ask"))).ToBeVisibleAsync();
            // The page follows the language of the bot's replies.
            await Expect(page.Locator("#message")).ToHaveAttributeAsync("placeholder", locales.Text("tl", "webchat.placeholder"));
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "tl");

            await Expect(Suggestion(page, locales.Text("tl", "welcome.change_language"))).ToBeVisibleAsync();

            // A typed message: its answer comes with the emergency numbers, once more.
            var emergency = BotMessages(page, locales.Text("tl", "safety.emergency"));
            var emergencyBefore = await emergency.CountAsync();
            const string message = "Hindi po ako binayaran ng tatlong buwan";
            await page.Locator("#message").FillAsync(message);
            await page.Locator("#message").PressAsync("Enter");
            await Expect(UserMessage(page, message)).ToBeVisibleAsync();
            await Expect(BotMessages(page, locales.Text("tl", "welcome.received"))).ToHaveCountAsync(1);
            await Expect(emergency).ToHaveCountAsync(emergencyBefore + 1);
            await Expect(page.Locator("#message")).ToHaveValueAsync(string.Empty);
            // Sent, and confirmed by the server's echo.
            await Expect(page.Locator("#transcript li.pending")).ToHaveCountAsync(0);
        });
    }

    [Fact]
    public async Task Chat_page_shows_markup_a_worker_types_as_text_and_never_runs_it()
    {
        await using var session = await host.OpenAsync();
        var locales = host.Locales;
        const string markup = "<img src=x onerror=window.__xss=1>";

        await session.RunAsync(async page =>
        {
            await page.GotoAsync(host.Address + "/");
            await Suggestion(page, locales.Text("en", "language.name")).ClickAsync();
            await Expect(BotMessage(page, locales.Text("en", "welcome.chosen"))).ToBeVisibleAsync();

            await page.Locator("#message").FillAsync(markup);
            await page.Locator("#message").PressAsync("Enter");
            await Expect(BotMessage(page, locales.Text("en", "welcome.received"))).ToBeVisibleAsync();
            await Expect(page.Locator("#transcript li.pending")).ToHaveCountAsync(0);
            await AssertShownAsTextAsync(page);

            // Again as the server sends it back: a reload reads the whole conversation from Direct Line.
            await page.ReloadAsync();
            await Expect(BotMessage(page, locales.Text("en", "welcome.received"))).ToBeVisibleAsync();
            await AssertShownAsTextAsync(page);
        });

        async Task AssertShownAsTextAsync(IPage page)
        {
            await Expect(page.Locator("#transcript img")).ToHaveCountAsync(0);
            var shown = page.Locator("#transcript li.message.user").Filter(new() { HasText = markup });
            await Expect(shown).ToHaveCountAsync(1);
            await Expect(shown).ToHaveTextAsync(markup);
            Assert.Equal("undefined", await page.EvaluateAsync<string>("() => typeof window.__xss"));
        }
    }

    private static ILocator BotMessages(IPage page, string text) =>
        page.Locator("#transcript li.message.bot").Filter(new() { HasText = text });

    private static ILocator BotMessage(IPage page, string text) => BotMessages(page, text).First;

    private static ILocator UserMessage(IPage page, string text) =>
        page.Locator("#transcript li.message.user").Filter(new() { HasText = text }).First;

    private static ILocator Suggestion(IPage page, string title) =>
        page.Locator("#suggestions").GetByRole(AriaRole.Button, new() { Name = title, Exact = true });
}
