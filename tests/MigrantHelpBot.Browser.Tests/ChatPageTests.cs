using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace MigrantHelpBot.Browser.Tests;

/// <summary>Our own chat page at <c>/</c>, served by the host: the page workers open on their phones.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ChatPageTests(BotHost host)
{
    [Fact]
    public async Task Chat_page_greets_switches_to_Tagalog_and_the_consultation_goes_on_in_Tagalog()
    {
        await using var session = await host.OpenAsync();
        var locales = host.Locales;

        await session.RunAsync(async page =>
        {
            await page.GotoAsync(host.Address + "/");

            foreach (var language in locales.Languages)
            {
                await Expect(BotMessage(page, locales.Text(language, "first_contact.choose_language"))).ToBeVisibleAsync();
                await Expect(Suggestion(page, locales.Text(language, "language.name"))).ToBeVisibleAsync();
            }

            await Suggestion(page, locales.Text("tl", "language.name")).ClickAsync();
            await Expect(BotMessage(page, locales.Text("tl", "first_contact.notice_who"))).ToBeVisibleAsync();
            await Expect(BotMessage(page, locales.Text("tl", "first_contact.consent_ask"))).ToBeVisibleAsync();
            // The page follows the language of the bot's replies.
            await Expect(page.Locator("#message")).ToHaveAttributeAsync("placeholder", locales.Text("tl", "webchat.placeholder"));
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "tl");

            await Suggestion(page, locales.Text("tl", "common.yes")).ClickAsync();
            await Expect(BotMessage(page, locales.Text("tl", "triage.ask_story"))).ToBeVisibleAsync();
            await Expect(Suggestion(page, locales.Text("tl", "category.unpaid_wages"))).ToBeVisibleAsync();

            // A typed story: the bot proposes what it is about, in Tagalog, with yes and no.
            const string message = "Hindi po ako binayaran ng tatlong buwan";
            await page.Locator("#message").FillAsync(message);
            await page.Locator("#message").PressAsync("Enter");
            await Expect(UserMessage(page, message)).ToBeVisibleAsync();
            await Expect(BotMessage(page, locales.Text("tl", "triage.confirm", new Dictionary<string, string> { ["proposed_category"] = "unpaid_wages" }))).ToBeVisibleAsync();
            await Expect(Suggestion(page, locales.Text("tl", "common.no"))).ToBeVisibleAsync();
            await Expect(page.Locator("#message")).ToHaveValueAsync(string.Empty);
            // Sent, and confirmed by the server's echo.
            await Expect(page.Locator("#transcript li.pending")).ToHaveCountAsync(0);

            // "tulong" (help) at any point: what they can do and the emergency numbers.
            await page.Locator("#message").FillAsync(locales.Words("tl", "input.commands.help")[0]);
            await page.Locator("#message").PressAsync("Enter");
            await Expect(BotMessage(page, locales.Text("tl", "safety.emergency"))).ToBeVisibleAsync();
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
            await Expect(BotMessage(page, locales.Text("en", "first_contact.consent_ask"))).ToBeVisibleAsync();

            await page.Locator("#message").FillAsync(markup);
            await page.Locator("#message").PressAsync("Enter");
            await Expect(BotMessage(page, locales.Text("en", "retry.yesno"))).ToBeVisibleAsync();
            await Expect(page.Locator("#transcript li.pending")).ToHaveCountAsync(0);
            await AssertShownAsTextAsync(page);

            // Again as the server sends it back: a reload reads the whole conversation from Direct Line.
            await page.ReloadAsync();
            await Expect(BotMessage(page, locales.Text("en", "retry.yesno"))).ToBeVisibleAsync();
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
