using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using MigrantHelpBot.Dialogs.Locales;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Browser.Tests;

/// <summary>All browser tests share one host and one browser; each test opens its own browser context and conversation.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BotHost>
{
    public const string Name = "Browser";
}

/// <summary>
/// The real host (Program) on Kestrel at 127.0.0.1 with a random port, with a fresh SQLite database,
/// a random Direct Line secret, the repository's locales and a fake Azure Translator; plus the system Chromium, started on first use.
/// </summary>
public sealed class BotHost : IAsyncLifetime
{
    /// <summary>How long a browser step or assertion may take: replies arrive by polling.</summary>
    public const int TimeoutMs = 20_000;

    private readonly SemaphoreSlim _launch = new(1, 1);
    private TestDatabase? _database;
    private Factory? _factory;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>The fake Azure Translator the host's staff relay translates with (on loopback).</summary>
    public FakeTranslator Translator { get; private set; } = null!;

    /// <summary>Where the host listens, e.g. http://127.0.0.1:41234 (no trailing slash).</summary>
    public string Address { get; private set; } = string.Empty;

    /// <summary>The host's Direct Line secret (DirectLine:Secret), for a server-side token request.</summary>
    public string DirectLineSecret { get; } = "browser-test-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(24));

    /// <summary>The host's services (stores), for a test to set up what a real deployment would have (a staff account).</summary>
    public IServiceProvider Services => _factory!.Services;

    /// <summary>What workers read, loaded from locales/ independently of the host: the texts the tests expect.</summary>
    public LocaleCatalog Locales { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _database = TestDatabase.CreateSqlite();
        Translator = await FakeTranslator.StartAsync();
        var settings = new Dictionary<string, string?>(_database.Settings)
        {
            ["Translator:Endpoint"] = Translator.Endpoint.ToString(),
            ["Translator:Key"] = FakeTranslator.Key,
            ["Translator:Region"] = FakeTranslator.Region,
            ["DirectLine:Secret"] = DirectLineSecret,
            ["Languages:Path"] = TestPaths.Locales,
            ["Dialogs:Path"] = TestPaths.Dialogs,
            ["Logging:LogLevel:Default"] = "Warning",
            ["RateLimits:PerAddressPerMinute"] = "1000000",
            ["RateLimits:PerUserPerMinute"] = "1000000",
            ["RateLimits:SignInPerAddressPerMinute"] = "1000000",
        };

        _factory = new Factory(settings);
        // On the factory itself, not on a WithWebHostBuilder copy: a copy would not pass the port on.
        _factory.UseKestrel(0);
        await Task.Run(_factory.StartServer, TestContext.Current.CancellationToken);

        var server = _factory.Services.GetRequiredService<IServer>();
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses
            ?? throw new InvalidOperationException("The server reports no addresses.");
        Address = addresses.Single(a => a.StartsWith("http://127.0.0.1:", StringComparison.Ordinal) && !a.EndsWith(":0", StringComparison.Ordinal)).TrimEnd('/');

        var languages = _factory.Services.GetRequiredService<IOptions<LanguageOptions>>().Value;
        Locales = LocaleCatalog.Load(new LanguageOptions { Supported = [.. languages.Supported], Fallback = languages.Fallback, Path = TestPaths.Locales });
    }

    /// <summary>A new browser context (own storage, own conversation) and page; skips or fails when Chromium is missing.</summary>
    public async Task<BrowserSession> OpenAsync()
    {
        var chromium = Requires.Chromium();
        await _launch.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            _playwright ??= await Playwright.CreateAsync();
            _browser ??= await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = chromium,
                Headless = true,
                // The machine has no network beyond loopback: keep Chromium from reaching out.
                Args =
                [
                    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                ],
            });
        }
        finally
        {
            _launch.Release();
        }
        Assertions.SetDefaultExpectTimeout(TimeoutMs);
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-US", ViewportSize = new() { Width = 1000, Height = 900 } });
        context.SetDefaultTimeout(TimeoutMs);
        return await BrowserSession.StartAsync(context);
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        if (_factory is not null) await _factory.DisposeAsync();
        if (_database is not null) await _database.DisposeAsync();
        if (Translator is not null) await Translator.DisposeAsync();
        _launch.Dispose();
    }

    private sealed class Factory(IReadOnlyDictionary<string, string?> settings) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder) =>
            builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(settings));
    }
}
