using MigrantHelpBot.Directory;
using MigrantHelpBot.Directory.Client;
using MigrantHelpBot.Directory.Organizations;

namespace MigrantHelpBot.Handoff.Cases;

/// <summary>What the handoff needs to know of an organisation.</summary>
public sealed record OrganizationInfo(string Id, string NameJa, string NameEn, string? WebhookUrl, bool ReceivesCases, bool AcceptingCases);

/// <summary>Organisations by id: from the directory in this process, or the snapshot of a standalone one.</summary>
public sealed class OrganizationLookup(IServiceProvider services)
{
    public async Task<OrganizationInfo?> FindAsync(string id, CancellationToken cancellationToken) =>
        (await AllAsync(cancellationToken)).FirstOrDefault(o => o.Id == id);

    public async Task<IReadOnlyList<OrganizationInfo>> AllAsync(CancellationToken cancellationToken)
    {
        IEnumerable<Organization> all;
        if (services.KeepsDirectory())
        {
            all = (await services.GetRequiredService<OrganizationStore>().ListAsync(cancellationToken)).Select(o => o.Organization);
        }
        else
        {
            all = (await services.GetRequiredService<DirectorySnapshot>().LoadAsync(cancellationToken))?.Organizations ?? [];
        }
        return [.. all.Select(o => new OrganizationInfo(o.Id, o.Names.Ja, o.Names.En, o.Intake.WebhookUrl, o.ReceivesCases, o.AcceptingCases))];
    }
}
