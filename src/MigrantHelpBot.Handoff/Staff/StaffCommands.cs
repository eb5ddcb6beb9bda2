using MigrantHelpBot.Handoff.Cases;
using MigrantHelpBot.Handoff.Notifications;

namespace MigrantHelpBot.Handoff.Staff;

/// <summary>
/// <c>staff add --org ID --email E --password P [--name N] [--admin]</c> (an admin may have no organisation),
/// <c>staff list</c>, <c>staff webhook-secret --org ID [--rotate]</c> (the key an organisation's system checks notifications with).
/// </summary>
public static class StaffCommands
{
    public static bool IsCommand(string[] args) => args is ["staff", ..];

    private const string Usage = """
        usage:
          staff add --org ORGANIZATION_ID --email EMAIL --password PASSWORD [--name NAME] [--admin]
          staff list
          staff webhook-secret --org ORGANIZATION_ID [--rotate]
        """;

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            var options = Options(args.Skip(2));
            switch (args.ElementAtOrDefault(1))
            {
                case "add":
                    var admin = options.ContainsKey("admin");
                    var org = options.GetValueOrDefault("org");
                    if (options.GetValueOrDefault("email") is not { } email || options.GetValueOrDefault("password") is not { } password) break;
                    if (org is not null && await services.GetRequiredService<OrganizationLookup>().FindAsync(org, CancellationToken.None) is null)
                    {
                        await error.WriteLineAsync($"No organisation '{org}' in the directory.");
                        return 1;
                    }
                    var account = await services.GetRequiredService<StaffStore>().AddAsync(email, password, options.GetValueOrDefault("name"), org, admin, CancellationToken.None);
                    await output.WriteLineAsync($"Staff account {account.Email} ({account.Role}{(account.OrganizationId is null ? string.Empty : ", " + account.OrganizationId)}) is ready.");
                    return 0;
                case "list":
                    foreach (var a in await services.GetRequiredService<StaffStore>().ListAsync(CancellationToken.None))
                    {
                        await output.WriteLineAsync($"{a.Email}\t{a.Name}\t{a.Role}\t{a.OrganizationId ?? "-"}");
                    }
                    return 0;
                case "webhook-secret" when options.GetValueOrDefault("org") is { } organization:
                    if (await services.GetRequiredService<OrganizationLookup>().FindAsync(organization, CancellationToken.None) is null)
                    {
                        await error.WriteLineAsync($"No organisation '{organization}' in the directory.");
                        return 1;
                    }
                    var secrets = services.GetRequiredService<WebhookSecrets>();
                    var secret = options.ContainsKey("rotate") ? await secrets.RotateAsync(organization, CancellationToken.None) : await secrets.GetAsync(organization, CancellationToken.None);
                    await output.WriteLineAsync(secret);
                    return 0;
            }
        }
        catch (ArgumentException problem)
        {
            await error.WriteLineAsync(problem.Message);
            return 1;
        }
        await error.WriteLineAsync(Usage);
        return 2;
    }

    private static Dictionary<string, string?> Options(IEnumerable<string> args)
    {
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        using var e = args.GetEnumerator();
        string? name = null;
        while (e.MoveNext())
        {
            var arg = e.Current;
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                name = arg[2..];
                options[name] = null;
                if (name is "admin" or "rotate") name = null;
            }
            else if (name is not null)
            {
                options[name] = arg;
                name = null;
            }
            else
            {
                throw new ArgumentException($"Unexpected argument '{arg}'.");
            }
        }
        return options;
    }
}
