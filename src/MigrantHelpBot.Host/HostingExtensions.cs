using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.FileProviders;
using MigrantHelpBot.Bot;
using MigrantHelpBot.Channels;
using MigrantHelpBot.Channels.Connector;
using MigrantHelpBot.Channels.DirectLine;
using MigrantHelpBot.Channels.Line;
using MigrantHelpBot.Channels.Messenger;
using MigrantHelpBot.Data;
using MigrantHelpBot.Dialogs;
using MigrantHelpBot.Directory;
using MigrantHelpBot.Directory.Api;
using MigrantHelpBot.Directory.Matching;
using MigrantHelpBot.Handoff;
using MigrantHelpBot.Handoff.Api;
using MigrantHelpBot.Host.Health;
using MigrantHelpBot.Host.Routing;
using MigrantHelpBot.Host.Triage;
using MigrantHelpBot.Host.WebChat;
using MigrantHelpBot.Translation;
using MigrantHelpBot.Dialogs.Locales;
using Microsoft.Extensions.Options;

namespace MigrantHelpBot.Host;

internal static class HostingExtensions
{
    public const string DefaultUrl = "http://localhost:5080";
    public const int MaxRequestBytes = 1024 * 1024;

    public static WebApplicationBuilder AddMigrantHelpBot(this WebApplicationBuilder builder)
    {
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey])) builder.WebHost.UseUrls(DefaultUrl);
        // The chat page from the build output's static-asset manifest, whatever the environment (a no-op once published).
        builder.WebHost.UseStaticWebAssets();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxRequestBytes;
        });

        var services = builder.Services;
        services.AddProblemDetails();
        services.AddStorage(builder.Configuration, builder.Environment.ContentRootPath);
        services.AddTurnRuntime();
        services.AddOptions<Bot.Turns.TurnOptions>().Bind(builder.Configuration.GetSection("Turns"));
        services.AddChannels(builder.Configuration);
        services.AddDialogs(builder.Configuration);
        services.AddDirectory(builder.Configuration);
        services.AddHostedService<CaseRouter>();
        services.AddMachineTranslation(builder.Configuration, sp => sp.GetRequiredService<IOptions<LanguageOptions>>().Value.ResolvedPath);
        services.AddHandoff(builder.Configuration);
        services.AddAbuseLimits(builder.Configuration);
        services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage").AddCheck<TranslatorHealthCheck>("translator");
        return builder;
    }

    public static WebApplication UseMigrantHelpBot(this WebApplication app)
    {
        // Load and check the content now (texts, flows, data, lexicons): a broken file stops the host
        // here with its problems, instead of failing the first worker who writes.
        app.Services.GetRequiredService<Bot.Turns.IBot>();
        app.Services.GetRequiredService<RoutingTexts>();
        app.Services.GetRequiredService<Glossary>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<SecurityHeaders>();
        app.UseRateLimiter();
        app.UseMiddleware<CrossSiteRequests>();
        var pages = ChatPageFiles(app.Environment);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = pages });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = pages });
        app.UseCors();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapConnectorApi();
        app.MapLineWebhook();
        app.MapMessengerWebhook();
        app.MapDirectLineApi();
        app.MapWebChatApi();
        app.MapTriageApi();
        app.MapStaffApi();
        if (app.Services.KeepsDirectory()) app.MapDirectoryApi();
        app.MapHealthChecks("/healthz", new() { ResponseWriter = StorageHealthCheck.WriteAsync });
        return app;
    }

    /// <summary>The chat page: from the web root, or, when the host runs from another directory, from beside the binaries.</summary>
    private static IFileProvider ChatPageFiles(IWebHostEnvironment environment)
    {
        if (File.Exists(Path.Combine(environment.WebRootPath ?? string.Empty, "index.html"))) return environment.WebRootFileProvider;
        var shipped = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        return System.IO.Directory.Exists(shipped) ? new PhysicalFileProvider(shipped) : environment.WebRootFileProvider;
    }

    /// <summary>Where the server listens (the first address), once it has started.</summary>
    public static string? ListeningAddress(this WebApplication app) =>
        app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
}
