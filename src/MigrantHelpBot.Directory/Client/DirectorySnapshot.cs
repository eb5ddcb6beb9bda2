using System.Text.Json;
using MigrantHelpBot.Data;
using MigrantHelpBot.Directory.Organizations;

namespace MigrantHelpBot.Directory.Client;

/// <summary>
/// The bot's last-known-good copy of a standalone directory: kept in memory and in the bot's own
/// database (so it survives a restart while the directory is down), refreshed by <see cref="SnapshotRefresher"/>.
/// </summary>
public sealed class DirectorySnapshot(SettingsStore settings)
{
    private const string Key = "directory.snapshot";
    private volatile Snapshot? _current;

    public sealed record Snapshot(IReadOnlyList<Organization> Organizations, DateTimeOffset TakenAt);

    public Snapshot? Current => _current;

    public async Task<Snapshot?> LoadAsync(CancellationToken cancellationToken)
    {
        if (_current is not null) return _current;
        var stored = await settings.GetAsync(Key, cancellationToken);
        if (stored is null) return null;
        var separator = stored.IndexOf('\n', StringComparison.Ordinal);
        var takenAt = DateTimeOffset.Parse(stored[..separator], System.Globalization.CultureInfo.InvariantCulture);
        var organizations = JsonSerializer.Deserialize(stored[(separator + 1)..], DirectoryJson.Default.ListOrganization) ?? [];
        return _current ??= new Snapshot(organizations, takenAt);
    }

    public async Task SaveAsync(IReadOnlyList<Organization> organizations, DateTimeOffset takenAt, CancellationToken cancellationToken)
    {
        var snapshot = new Snapshot(organizations, takenAt);
        _current = snapshot;
        var json = JsonSerializer.Serialize(organizations.ToList(), DirectoryJson.Default.ListOrganization);
        await settings.SetAsync(Key, takenAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture) + "\n" + json, cancellationToken);
    }
}
