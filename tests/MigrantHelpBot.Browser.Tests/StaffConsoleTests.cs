using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MigrantHelpBot.Handoff.Cases;
using MigrantHelpBot.Handoff.Staff;
using static Microsoft.Playwright.Assertions;

namespace MigrantHelpBot.Browser.Tests;

/// <summary>
/// The staff console at <c>/staff/</c> in real Chromium, with a worker on the chat page in another
/// browser context: the worker asks for a person, staff sign in, find and accept the case, and the two
/// talk both ways without anyone reloading a page.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class StaffConsoleTests(BotHost host)
{
    private const string Password = "console test password";

    [Fact]
    public async Task A_worker_message_shows_up_in_the_console_and_the_staff_reply_reaches_the_worker()
    {
        await using var worker = await host.OpenAsync();
        await using var staff = await host.OpenAsync();
        var locales = host.Locales;
        string? caseId = null;

        await worker.RunAsync(async page =>
        {
            await page.GotoAsync(host.Address + "/");
            await Expect(BotMessage(page, locales.Text("en", "first_contact.choose_language"))).ToBeVisibleAsync();
            await SayAsync(page, locales.Text("en", "commands.human.label"));
            await Expect(BotMessage(page, locales.Text("en", "commands.human.share_ask"))).ToBeVisibleAsync();
            await SayAsync(page, locales.Text("en", "common.yes"));
            await Expect(BotMessage(page, locales.Text("en", "commands.human.requested"))).ToBeVisibleAsync();
        });

        // Whichever organisation the directory matched, a staff member of it signs in.
        var store = host.Services.GetRequiredService<CaseStore>();
        var record = await WaitForAsync(async () =>
            (await store.ListAsync(new CaseScope(null, All: true), new CaseFilter(["offered"]), CancellationToken.None)).FirstOrDefault(c => c.Language == "en"));
        caseId = record.Id;
        var email = $"staff-{Guid.NewGuid():N}@example.org";
        await host.Services.GetRequiredService<StaffStore>().AddAsync(email, Password, "山田", record.OrganizationId, admin: false, CancellationToken.None);

        await staff.RunAsync(async page =>
        {
            await page.GotoAsync(host.Address + "/staff/");
            await page.Locator("#email").FillAsync(email);
            await page.Locator("#password").FillAsync("wrong password");
            await page.Locator("#signin-button").ClickAsync();
            await Expect(page.Locator("#signin-error")).Not.ToBeEmptyAsync();
            await page.Locator("#password").FillAsync(Password);
            await page.Locator("#signin-button").ClickAsync();

            var item = page.Locator("#cases li").Filter(new() { HasText = caseId });
            await Expect(item).ToBeVisibleAsync();
            await item.ClickAsync();
            await Expect(page.Locator("#case-title")).ToContainTextAsync(caseId);
            await page.Locator("#accept").ClickAsync();
            await Expect(page.Locator("#case-title")).ToContainTextAsync("担当中");
        });

        await worker.RunAsync(async page =>
        {
            await Expect(BotMessage(page, "山田")).ToBeVisibleAsync(); // "Yamada from … has your case now"
            await SayAsync(page, "They took my passport and I am scared");
        });

        host.Translator.Phrases[("They took my passport and I am scared", "ja")] = "パスポートを取られて、怖いです";
        host.Translator.Phrases[("ここにいますよ。今、安全に話せますか。", "en")] = "We are here. Is it safe to talk now?";
        await staff.RunAsync(async page =>
        {
            // The worker's message appears in the open case without a reload, in Japanese, marked machine translation; the original on demand.
            var entry = page.Locator("#timeline li.worker_message").Filter(new() { HasText = "パスポートを取られて、怖いです" });
            await Expect(entry).ToBeVisibleAsync();
            await Expect(entry.Locator(".who").First).ToContainTextAsync("機械翻訳（英語から）");
            await Expect(entry.Locator(".original")).ToBeHiddenAsync();
            await entry.Locator(".show-original").ClickAsync();
            await Expect(entry.Locator(".original")).ToBeVisibleAsync();
            await Expect(entry.Locator(".original")).ToContainTextAsync("They took my passport and I am scared");

            // Staff write in Japanese; the console keeps their words and shows what the worker read on demand.
            await page.Locator("#reply").FillAsync("ここにいますよ。今、安全に話せますか。");
            await page.Locator("#send").ClickAsync();
            var reply = page.Locator("#timeline li.staff_message").Filter(new() { HasText = "ここにいますよ。今、安全に話せますか。" });
            await Expect(reply.Locator(".who").First).ToContainTextAsync("送信しました"); // translated, then delivered: the timeline stops redrawing
            await reply.Locator(".show-original").ClickAsync();
            await Expect(reply.Locator(".original")).ToContainTextAsync("We are here. Is it safe to talk now?");
            await page.Locator("#note").FillAsync("<b>内部</b> メモ");
            await page.Locator("#add-note").ClickAsync();
            await Expect(page.Locator("#timeline li.note").Filter(new() { HasText = "<b>内部</b> メモ" })).ToBeVisibleAsync();
        });

        await worker.RunAsync(async page =>
        {
            // The staff reply arrives on the worker's Direct Line conversation, under the staff member's name.
            await Expect(BotMessage(page, "We are here. Is it safe to talk now?")).ToBeVisibleAsync();
            await Expect(BotMessage(page, "We are here. Is it safe to talk now?")).ToContainTextAsync(locales.Text("en", "handoff.machine_translated"));
            await Expect(BotMessage(page, "山田")).ToBeVisibleAsync();
        });

        // The coalition moves the case to another organisation: it leaves this queue, and the console says why.
        var other = (await host.Services.GetRequiredService<OrganizationLookup>().AllAsync(CancellationToken.None))
            .First(o => o.ReceivesCases && o.AcceptingCases && o.Id != record.OrganizationId);
        var coordinator = new Actor("staff:coordinator", "調整役", "admin", null);
        Assert.Equal(CaseOutcome.Done, (await host.Services.GetRequiredService<CaseService>().TransferAsync(coordinator, caseId, other.Id, "専門の相談員がいるため", CancellationToken.None)).Outcome);
        await staff.RunAsync(async page =>
        {
            var notice = page.Locator("#notice-list li").Filter(new() { HasText = caseId });
            await Expect(notice).ToContainTextAsync("他の団体に引き継がれました");
            await Expect(page.Locator("#cases li").Filter(new() { HasText = caseId })).ToHaveCountAsync(0);
            await page.Locator("#notices-read").ClickAsync();
            await Expect(page.Locator("#notices")).ToBeHiddenAsync();
        });
    }

    private static async Task SayAsync(IPage page, string text)
    {
        await page.Locator("#message").FillAsync(text);
        await page.Locator("#message").PressAsync("Enter");
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe) where T : class
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(20); DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            if (await probe() is { } found) return found;
        }
        throw new TimeoutException("The case was not offered in time.");
    }

    private static ILocator BotMessage(IPage page, string text) =>
        page.Locator("#transcript li.message.bot").Filter(new() { HasText = text }).First;
}
