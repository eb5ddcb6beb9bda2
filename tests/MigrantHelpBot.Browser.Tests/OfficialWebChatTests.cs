using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using MigrantHelpBot.Testing;
using static Microsoft.Playwright.Assertions;

namespace MigrantHelpBot.Browser.Tests;

/// <summary>
/// Microsoft's official Web Chat (botframework-webchat from npm, as organisations embed it) talks to our
/// Direct Line 3.0 over polling from another origin, with a token its page's server got with our secret.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class OfficialWebChatTests(BotHost host)
{
    // Another origin than the host's. A *.localhost origin is a secure context, so Chromium lets the page ask
    // for its Local Network Access permission (granted below) to reach the host on 127.0.0.1; an http://*.test
    // page would be refused outright. Real deployments (public page, public bot) never meet this check.
    private const string Origin = "http://webchat.localhost";

    [Fact]
    public async Task Official_Web_Chat_greets_in_every_language_switches_to_Vietnamese_and_reads_a_story()
    {
        var bundle = Requires.File(TestPaths.WebChatBundle, TestPaths.HowToGetWebChat);
        var token = await GenerateTokenAsync();
        await using var session = await host.OpenAsync();
        await session.Page.Context.GrantPermissionsAsync(["local-network-access"], new() { Origin = Origin });
        await ServeWebChatPageAsync(session.Page, bundle, token);
        var locales = host.Locales;

        await session.RunAsync(async page =>
        {
            await page.GotoAsync(Origin + "/index.html");
            await Expect(page.Locator("[data-id=\"webchat-sendbox-input\"]")).ToBeVisibleAsync();

            // The greeting: one line per offered language, and a button per language.
            foreach (var language in locales.Languages)
            {
                await Expect(BotBubble(page, locales.Text(language, "first_contact.choose_language"))).ToBeVisibleAsync();
                await Expect(SuggestedAction(page, locales.Text(language, "language.name"))).ToBeVisibleAsync();
            }

            // Choosing Vietnamese: the button's imBack is sent as the user's message; the answer is in Vietnamese.
            await SuggestedAction(page, locales.Text("vi", "language.name")).ClickAsync();
            await Expect(BotBubble(page, locales.Text("vi", "first_contact.notice_who"))).ToBeVisibleAsync();
            await Expect(BotBubble(page, locales.Text("vi", "first_contact.consent_ask"))).ToBeVisibleAsync();
            await SuggestedAction(page, locales.Text("vi", "common.yes")).ClickAsync();
            await Expect(BotBubble(page, locales.Text("vi", "triage.ask_story"))).ToBeVisibleAsync();

            // A message typed into Web Chat's send box: the bot proposes what it is about, in Vietnamese.
            const string message = "Tôi chưa được trả lương ba tháng";
            var sendBox = page.Locator("[data-id=\"webchat-sendbox-input\"]");
            await sendBox.FillAsync(message);
            await sendBox.PressAsync("Enter");
            await Expect(UserBubble(page, message)).ToBeVisibleAsync();
            await Expect(BotBubble(page, locales.Text("vi", "triage.confirm", new Dictionary<string, string> { ["proposed_category"] = "unpaid_wages" }))).ToBeVisibleAsync();
            await Expect(SuggestedAction(page, locales.Text("vi", "common.no"))).ToBeVisibleAsync();
            await Expect(sendBox).ToHaveValueAsync(string.Empty);
        });
    }

    /// <summary>What an embedding organisation's server does: trade the secret for a token scoped to one conversation.</summary>
    private async Task<string> GenerateTokenAsync()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, host.Address + "/v3/directline/tokens/generate")
        {
            Content = new StringContent("""{"user":{"id":"dl_browser-test","name":"Browser test"}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", host.DirectLineSecret);
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"tokens/generate answered {(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("conversationId").GetString()));
        return json.RootElement.GetProperty("token").GetString() ?? throw new InvalidOperationException("No token in " + body);
    }

    /// <summary>Serves, from another origin than the host's, a page that renders Web Chat as the Web Chat docs show.</summary>
    private async Task ServeWebChatPageAsync(IPage page, string bundle, string token)
    {
        var html = $$"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <title>Web Chat against MigrantHelpBot</title>
              <script src="/webchat.js"></script>
              <style>html, body { height: 100%; margin: 0; } #webchat { height: 100%; }</style>
            </head>
            <body>
              <div id="webchat" role="main"></div>
              <script>
                window.WebChat.renderWebChat({
                  directLine: window.WebChat.createDirectLine({
                    token: {{JsonSerializer.Serialize(token)}},
                    domain: {{JsonSerializer.Serialize(host.Address + "/v3/directline")}},
                    webSocket: false,
                    pollingInterval: 500
                  }),
                  locale: 'en-US'
                }, document.getElementById('webchat'));
              </script>
            </body>
            </html>
            """;
        await page.RouteAsync(Origin + "/**", async route =>
        {
            switch (new Uri(route.Request.Url).AbsolutePath)
            {
                case "/index.html":
                    await route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "text/html; charset=utf-8", Body = html });
                    break;
                case "/webchat.js":
                    await route.FulfillAsync(new RouteFulfillOptions { Status = 200, ContentType = "text/javascript; charset=utf-8", Path = bundle });
                    break;
                default:
                    await route.FulfillAsync(new RouteFulfillOptions { Status = 404 });
                    break;
            }
        });
    }

    private static ILocator BotBubbles(IPage page, string text) =>
        page.Locator(".webchat__bubble:not(.webchat__bubble--from-user) .webchat__bubble__content").Filter(new() { HasText = text, Visible = true });

    private static ILocator BotBubble(IPage page, string text) => BotBubbles(page, text).First;

    private static ILocator UserBubble(IPage page, string text) =>
        page.Locator(".webchat__bubble--from-user .webchat__bubble__content").Filter(new() { HasText = text, Visible = true }).First;

    // The toolbar, not the screen-reader live region that repeats each activity's buttons.
    private static ILocator SuggestedAction(IPage page, string title) =>
        page.Locator(".webchat__suggested-actions").GetByRole(AriaRole.Button, new() { Name = title, Exact = true });
}
