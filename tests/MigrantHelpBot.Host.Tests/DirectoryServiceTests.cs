using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using MigrantHelpBot.Directory;
using MigrantHelpBot.Directory.Access;
using MigrantHelpBot.Directory.Client;
using MigrantHelpBot.Directory.Matching;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Host.Tests;

/// <summary>
/// The directory as its own service on loopback, the bot calling it over HTTP (Polly) — and routing
/// going on from the last-known-good snapshot when the directory is stopped mid-test, even after the
/// bot restarts.
/// </summary>
public class DirectoryServiceTests
{
    private static readonly MatchRequest Tagalog = new() { Language = "tl", Prefecture = "Yamaguchi", Category = "dismissal_contract" };

    [Fact]
    public async Task The_bot_routes_through_the_standalone_directory_and_keeps_routing_from_its_snapshot_while_it_is_down()
    {
        using var folder = new TemporaryDirectory();
        var directory = DirectoryProgram.Build(
        [
            "--urls=http://127.0.0.1:0",
            $"--Storage:ConnectionString=Data Source={Path.Combine(folder.Path, "directory.db")}",
            $"--Directory:SeedFile={RepositoryPaths.SampleDirectory}",
            $"--Languages:Path={RepositoryPaths.Locales}",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await directory.StartAsync();
        var url = directory.Urls.Single();
        var (_, serviceKey) = await directory.Services.GetRequiredService<ApiKeyStore>().CreateAsync("bot", "service", null, CancellationToken.None);

        var database = TestDatabase.CreateSqlite();
        var settings = new Dictionary<string, string?>
        {
            ["Directory:Mode"] = "Remote",
            ["Directory:Url"] = url + "/",
            ["Directory:ApiKey"] = serviceKey,
            ["Directory:AttemptTimeout"] = "00:00:00.500",
            ["Directory:MaxRetries"] = "1",
            ["Directory:SnapshotInterval"] = "00:00:00.200",
        };
        MatchResult online;
        await using (var bot = new BotApplication(database, settings))
        {
            using var client = bot.CreateClient();
            // The bot does not serve a directory it does not keep.
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/directory/organizations")).StatusCode);

            var router = bot.Services.GetRequiredService<IDirectory>();
            online = await router.MatchAsync(Tagalog, CancellationToken.None);
            Assert.Equal("directory", online.Source);
            Assert.Contains(online.Matches, m => m.OrganizationId == "scrum-union-hiroshima");

            var snapshot = bot.Services.GetRequiredService<DirectorySnapshot>();
            for (var i = 0; i < 100 && snapshot.Current is null; i++) await Task.Delay(50);
            Assert.NotNull(snapshot.Current);

            // The directory goes down mid-test.
            await directory.StopAsync();
            await directory.DisposeAsync();

            for (var i = 0; i < 3; i++)
            {
                var offline = await router.MatchAsync(Tagalog, CancellationToken.None);
                Assert.Equal("snapshot", offline.Source);
                Assert.Equal(online.Matches.Select(m => m.OrganizationId), offline.Matches.Select(m => m.OrganizationId));
            }
        }

        // A bot started while the directory is still down routes from the snapshot it kept in its database.
        await using (var restarted = new BotApplication(database, settings))
        {
            restarted.CreateClient().Dispose();
            var offline = await restarted.Services.GetRequiredService<IDirectory>().MatchAsync(Tagalog, CancellationToken.None);
            Assert.Equal("snapshot", offline.Source);
            Assert.Equal(online.Matches.Select(m => m.OrganizationId), offline.Matches.Select(m => m.OrganizationId));
        }
    }

    [Fact]
    public async Task A_gap_met_while_the_directory_is_down_is_reported_when_it_is_back()
    {
        using var folder = new TemporaryDirectory();
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        WebApplication Directory() => DirectoryProgram.Build(
        [
            $"--urls=http://127.0.0.1:{port}",
            $"--Storage:ConnectionString=Data Source={Path.Combine(folder.Path, "directory.db")}",
            $"--Directory:SeedFile={RepositoryPaths.SampleDirectory}",
            $"--Languages:Path={RepositoryPaths.Locales}",
            "--Logging:LogLevel:Default=Warning",
        ]);
        var first = Directory();
        await first.StartAsync();
        var (_, serviceKey) = await first.Services.GetRequiredService<ApiKeyStore>().CreateAsync("bot", "service", null, CancellationToken.None);

        await using var bot = new BotApplication(TestDatabase.CreateSqlite(), new Dictionary<string, string?>
        {
            ["Directory:Mode"] = "Remote",
            ["Directory:Url"] = $"http://127.0.0.1:{port}/",
            ["Directory:ApiKey"] = serviceKey,
            ["Directory:AttemptTimeout"] = "00:00:00.500",
            ["Directory:MaxRetries"] = "1",
            ["Directory:BreakDuration"] = "00:00:01",
            ["Directory:SnapshotInterval"] = "00:00:00.200",
        });
        bot.CreateClient().Dispose();
        var snapshot = bot.Services.GetRequiredService<DirectorySnapshot>();
        for (var i = 0; i < 100 && snapshot.Current is null; i++) await Task.Delay(50);
        await first.StopAsync();
        await first.DisposeAsync();

        var khmer = new MatchRequest { Language = "km", Prefecture = "Gunma", Category = "runaway_risk" };
        var offline = await bot.Services.GetRequiredService<IDirectory>().MatchAsync(khmer, CancellationToken.None);
        Assert.True(offline.Fallback);
        Assert.Equal("snapshot", offline.Source);

        await using var second = Directory();
        await second.StartAsync();
        var gaps = second.Services.GetRequiredService<GapStore>();
        for (var i = 0; i < 200 && (await gaps.ListAsync(CancellationToken.None)).Count == 0; i++) await Task.Delay(50);
        var gap = Assert.Single(await gaps.ListAsync(CancellationToken.None));
        Assert.Equal(("km", "Gunma", "runaway_risk", 1L), (gap.Language, gap.Prefecture, gap.Category, gap.Requests));
        await second.StopAsync();
    }

    [Fact]
    public async Task With_the_directory_down_and_no_snapshot_a_case_waits_instead_of_being_lost()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Directory:Mode"] = "Remote",
            ["Directory:Url"] = "http://127.0.0.1:9/",
            ["Directory:ApiKey"] = "mhb_000000000000_unusedunusedunusedunused",
            ["Directory:AttemptTimeout"] = "00:00:00.200",
            ["Directory:MaxRetries"] = "0",
        };
        await using var bot = new BotApplication(TestDatabase.CreateSqlite(), settings);
        bot.CreateClient().Dispose();
        var router = bot.Services.GetRequiredService<IDirectory>();
        await Assert.ThrowsAsync<DirectoryUnavailableException>(() => router.MatchAsync(Tagalog, CancellationToken.None));
    }
}
