using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Playwright;

namespace MigrantHelpBot.Browser.Tests;

/// <summary>
/// One test's browser context and page. Records the page's console, errors and failed requests, and
/// on failure saves a screenshot, the page's HTML and that record under <see cref="TestPaths.FailureArtifacts"/>.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly ConcurrentQueue<string> _log = new();

    private BrowserSession(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Console += (_, message) => Record($"console.{message.Type}: {message.Text}");
        page.PageError += (_, error) => Record($"pageerror: {error}");
        page.RequestFailed += (_, request) => Record($"requestfailed: {request.Method} {request.Url} {request.Failure}");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400) Record($"response: {response.Status} {response.Request.Method} {response.Url}");
        };
    }

    public IPage Page { get; }

    internal static async Task<BrowserSession> StartAsync(IBrowserContext context) => new(context, await context.NewPageAsync());

    /// <summary>Runs the test's steps; if one fails, keeps what the page showed before rethrowing.</summary>
    public async Task RunAsync(Func<IPage, Task> steps)
    {
        try
        {
            await steps(Page);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            await SaveFailureAsync();
            throw;
        }
    }

    private void Record(string line) => _log.Enqueue($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {line}");

    private async Task SaveFailureAsync()
    {
        var output = TestContext.Current.TestOutputHelper;
        var test = TestContext.Current.TestMethod?.MethodName ?? TestContext.Current.Test?.TestDisplayName ?? "test";
        var name = Sanitize(test) + "-" + DateTimeOffset.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var folder = TestPaths.FailureArtifacts;
        System.IO.Directory.CreateDirectory(folder);
        var basePath = Path.Combine(folder, name);
        try
        {
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = basePath + ".png", FullPage = true, Timeout = 10_000 });
            await File.WriteAllTextAsync(basePath + ".html", await Page.ContentAsync(), Encoding.UTF8);
            await File.WriteAllLinesAsync(basePath + ".log", _log, Encoding.UTF8);
            output?.WriteLine($"Page at failure ({Page.Url}): {basePath}.png, .html, .log");
        }
        catch (PlaywrightException exception)
        {
            output?.WriteLine($"Could not capture the page: {exception.Message}");
        }
        foreach (var line in _log) output?.WriteLine(line);
    }

    private static string Sanitize(string name)
    {
        var invalid = Path.GetInvalidFileNameChars();
        var builder = new StringBuilder(name.Length);
        foreach (var c in name) builder.Append(invalid.Contains(c) || char.IsWhiteSpace(c) || c is '(' or ')' or '"' ? '_' : c);
        var text = builder.ToString();
        return text.Length <= 120 ? text : text[..120];
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
