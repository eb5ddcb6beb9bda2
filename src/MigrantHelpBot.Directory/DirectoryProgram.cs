using MigrantHelpBot.Data;
using MigrantHelpBot.Directory.Api;

namespace MigrantHelpBot.Directory;

/// <summary>
/// The directory on its own: <c>dotnet run --project src/MigrantHelpBot.Directory</c> serves
/// <c>/api/directory</c> on http://localhost:5090 with its own SQLite file (data/directory.db), loading
/// the sample directory on first run. The bot then runs with <c>Directory:Mode=Remote</c>.
/// </summary>
public static class DirectoryProgram
{
    public const string DefaultUrl = "http://localhost:5090";

    public static async Task<int> Main(string[] args)
    {
        var app = Build(args);
        if (DirectoryCommands.IsCommand(args)) return await DirectoryCommands.RunAsync(app.Services, args, Console.Out, Console.Error);
        await app.RunAsync();
        return 0;
    }

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey])) builder.WebHost.UseUrls(DefaultUrl);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 1024 * 1024;
        });
        if (string.IsNullOrEmpty(builder.Configuration["Storage:ConnectionString"])) builder.Configuration["Storage:ConnectionString"] = "Data Source=data/directory.db";
        builder.Configuration["Directory:Mode"] = nameof(DirectoryMode.InProcess);

        builder.Services.AddProblemDetails();
        builder.Services.AddStorage(builder.Configuration, builder.Environment.ContentRootPath);
        builder.Services.AddDirectory(builder.Configuration);
        builder.Services.AddHealthChecks();

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapDirectoryApi();
        app.MapHealthChecks("/healthz");
        return app;
    }
}
