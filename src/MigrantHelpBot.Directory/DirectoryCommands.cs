using Microsoft.Extensions.Options;
using MigrantHelpBot.Dialogs.Data;
using MigrantHelpBot.Directory.Access;
using MigrantHelpBot.Directory.Organizations;

namespace MigrantHelpBot.Directory;

/// <summary>
/// The directory's commands, in the bot's host and the standalone directory alike:
/// <c>directory import FILE</c> (create or update every entry of a directory file, audited),
/// <c>directory check FILE</c>, <c>apikey add --name N --role admin|service|staff [--org ID]</c>,
/// <c>apikey list</c>, <c>apikey revoke ID</c>.
/// </summary>
public static class DirectoryCommands
{
    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is "directory" or "apikey";

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error)
    {
        try
        {
            return (args[0], args.ElementAtOrDefault(1)) switch
            {
                ("directory", "import") when args.Length == 3 => await ImportAsync(services, args[2], output),
                ("directory", "check") when args.Length == 3 => Check(services, args[2], output),
                ("apikey", "add") => await AddKeyAsync(services, args[2..], output, error),
                ("apikey", "list") => await ListKeysAsync(services, output),
                ("apikey", "revoke") when args.Length == 3 => await services.GetRequiredService<ApiKeyStore>().RevokeAsync(args[2], CancellationToken.None)
                    ? Done(output, $"Revoked key {args[2]}.") : Fail(error, $"No active key {args[2]}."),
                _ => Fail(error, Usage),
            };
        }
        catch (InvalidDataException problem)
        {
            return Fail(error, problem.Message);
        }
        catch (Exception problem) when (problem is ArgumentException or FileNotFoundException or DirectoryNotFoundException)
        {
            return Fail(error, problem.Message);
        }
    }

    private const string Usage = """
        usage:
          directory import FILE    create or update the organisations in a directory file (audited)
          directory check FILE     check a directory file without loading it
          apikey add --name NAME --role admin|service|staff [--org ORGANIZATION_ID]
          apikey list
          apikey revoke KEY_ID
        """;

    private static async Task<int> ImportAsync(IServiceProvider services, string file, TextWriter output)
    {
        var organizations = DirectoryFile.Load(file, services.GetRequiredService<Prefectures>());
        var (created, updated, unchanged) = await services.GetRequiredService<OrganizationStore>()
            .ImportAsync(organizations, "import:" + Path.GetFileName(file) + " (" + Environment.UserName + ")", CancellationToken.None);
        return Done(output, $"Imported {Path.GetFileName(file)}: {created} created, {updated} updated, {unchanged} unchanged.");
    }

    private static int Check(IServiceProvider services, string file, TextWriter output) =>
        Done(output, $"OK: {DirectoryFile.Load(file, services.GetRequiredService<Prefectures>()).Count} organisations in {Path.GetFileName(file)}.");

    private static async Task<int> AddKeyAsync(IServiceProvider services, string[] options, TextWriter output, TextWriter error)
    {
        string? Option(string name) => Array.IndexOf(options, name) is var i and >= 0 && i + 1 < options.Length ? options[i + 1] : null;
        var name = Option("--name");
        var role = Option("--role");
        if (name is null || role is null) return Fail(error, Usage);
        var (owner, key) = await services.GetRequiredService<ApiKeyStore>().CreateAsync(name, role, Option("--org"), CancellationToken.None);
        output.WriteLine($"Key {owner.Id} for {owner.Name} (role {owner.Role}{(owner.OrganizationId is null ? "" : ", organisation " + owner.OrganizationId)}).");
        output.WriteLine("Keep it secret; it is shown only now:");
        output.WriteLine(key);
        return 0;
    }

    private static async Task<int> ListKeysAsync(IServiceProvider services, TextWriter output)
    {
        foreach (var (owner, created, revoked) in await services.GetRequiredService<ApiKeyStore>().ListAsync(CancellationToken.None))
            output.WriteLine($"{owner.Id}  {owner.Role,-7}  {owner.Name}{(owner.OrganizationId is null ? "" : "  org " + owner.OrganizationId)}  created {created:yyyy-MM-dd}{(revoked ? "  REVOKED" : "")}");
        return 0;
    }

    private static int Done(TextWriter output, string message)
    {
        output.WriteLine(message);
        return 0;
    }

    private static int Fail(TextWriter error, string message)
    {
        error.WriteLine(message);
        return 1;
    }
}
