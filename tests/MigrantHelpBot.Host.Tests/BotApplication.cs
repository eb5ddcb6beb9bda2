using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Host.Tests;

/// <summary>The real host (every middleware, endpoint and background service) over a test database.</summary>
public sealed class BotApplication(TestDatabase database, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null) : WebApplicationFactory<Program>
{
    public const string DirectLineSecret = "test-directline-secret-0123456789";

    public TestDatabase Database { get; } = database;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var values = new Dictionary<string, string?>(Database.Settings)
        {
            ["Languages:Path"] = RepositoryPaths.Locales,
            ["Dialogs:Path"] = RepositoryPaths.Dialogs,
            ["Directory:SeedFile"] = RepositoryPaths.SampleDirectory,
            ["DirectLine:Secret"] = DirectLineSecret,
            ["Outbox:PollInterval"] = "00:00:00.100",
            ["Logging:LogLevel:Default"] = "Warning",
            // Tests poll fast from one address; the limiter stays on (RateLimitTests set small limits).
            ["RateLimits:PerAddressPerMinute"] = "1000000",
            ["RateLimits:PerUserPerMinute"] = "1000000",
            ["RateLimits:SignInPerAddressPerMinute"] = "1000000",
            // Tests bring their own organisations; the Development demo union would take their cases.
            ["Handoff:DemoAccount"] = "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) values[key] = value;
        builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(values));
        if (services is not null) builder.ConfigureServices(services);
    }

    public static Activity Message(string conversationId, string text, string? serviceUrl = null, bool expectReplies = true, string channelId = "emulator") => new()
    {
        Type = ActivityTypes.Message,
        Id = Guid.NewGuid().ToString("N"),
        ChannelId = channelId,
        ServiceUrl = serviceUrl ?? "http://127.0.0.1:9/",
        Conversation = new ConversationAccount { Id = conversationId },
        From = new ChannelAccount { Id = "worker-" + conversationId, Name = "Worker" },
        Recipient = new ChannelAccount { Id = "bot", Name = "MigrantHelpBot" },
        Text = text,
        DeliveryMode = expectReplies ? DeliveryModes.ExpectReplies : null,
    };

    public static StringContent Json(Activity activity) =>
        new(JsonSerializer.Serialize(activity, BotJsonContext.Wire.Activity), Encoding.UTF8, "application/json");

    /// <summary>Posts an expectReplies activity and returns the replies.</summary>
    public async Task<List<Activity>> TurnAsync(HttpClient client, string conversationId, string text)
    {
        using var response = await client.PostAsync("/api/messages", Json(Message(conversationId, text)));
        response.EnsureSuccessStatusCode();
        var replies = await response.Content.ReadFromJsonAsync(BotJsonContext.Wire.ExpectedReplies);
        return replies!.Activities;
    }

    public async Task<long> CountAsync(string table)
    {
        await using var engine = Database.Open();
        await engine.EnsureReadyAsync(CancellationToken.None);
        await using var connection = await engine.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {table}";
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
