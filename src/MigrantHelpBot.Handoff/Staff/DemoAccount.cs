using System.Security.Cryptography;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MigrantHelpBot.Directory;
using MigrantHelpBot.Directory.Matching;
using MigrantHelpBot.Directory.Organizations;

namespace MigrantHelpBot.Handoff.Staff;

/// <summary>
/// In Development only: a demo organisation (every language, all of Japan, every problem, open
/// around the clock, cases through the console) and a staff account for it, with a new password at
/// each start, printed so a developer can sign in to the console at once.
/// </summary>
internal sealed partial class DemoAccount(IServiceProvider services, IHostEnvironment environment, IOptions<HandoffOptions> options, ILogger<DemoAccount> logger) : IHostedService
{
    public const string OrganizationId = "demo-union";
    public const string Email = "demo@migranthelpbot.local";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!environment.IsDevelopment() || !options.Value.DemoAccount || !services.KeepsDirectory()) return;
        var store = services.GetRequiredService<OrganizationStore>();
        if (await store.GetAsync(OrganizationId, cancellationToken) is null)
        {
            var organization = new Organization
            {
                Id = OrganizationId,
                Names = new LocalizedText { Ja = "デモ・ユニオン（開発用）", En = "Demo Union (development)" },
                Kind = "union",
                Languages = new OrganizationLanguages { Native = [.. Vocabulary.Languages] },
                Nationwide = true,
                Categories = [.. Vocabulary.Categories],
                Intake = new Intake { Console = true },
                Open24h = true,
                EmergencyCapable = true,
                Source = "Created at start-up in Development for trying the staff console.",
                LastVerified = DateOnly.FromDateTime(DateTime.UtcNow),
                Sample = true,
            };
            try
            {
                await store.CreateAsync(organization, "demo (Development)", cancellationToken);
            }
            catch (ConcurrentEditException)
            {
                // Another replica created it first.
            }
        }
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        await services.GetRequiredService<StaffStore>().AddAsync(Email, password, "デモ 担当者", OrganizationId, admin: false, cancellationToken);
        LogDemo(Email, password);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Development demo: staff console at /staff/ — sign in as {Email} with password {Password} (organisation demo-union; a new password at each start).")]
    private partial void LogDemo(string email, string password);
}
