using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using MigrantHelpBot.Data;
using MigrantHelpBot.Directory.Matching;

namespace MigrantHelpBot.Directory.Organizations;

/// <summary>A stored organisation and its version (for If-Match).</summary>
public sealed record StoredOrganization(Organization Organization, long Version);

public enum WriteOutcome { Done, NotFound, Exists, VersionMismatch }

/// <summary>
/// The organisations, in the database; every write and its audit entry (who, when, before, after)
/// commit together. Reads come from a copy refreshed after each write here and at most a few seconds
/// old otherwise (another replica's edit).
/// </summary>
public sealed class OrganizationStore(Database database, TimeProvider clock)
{
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(5);
    private volatile Cached? _cache;

    private sealed record Cached(IReadOnlyList<StoredOrganization> All, DateTimeOffset At);

    public async Task<IReadOnlyList<StoredOrganization>> ListAsync(CancellationToken cancellationToken)
    {
        if (_cache is { } cache && clock.GetUtcNow() - cache.At < CacheLifetime) return cache.All;
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT data, version FROM organizations ORDER BY id");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var all = new List<StoredOrganization>();
        while (await reader.ReadAsync(cancellationToken))
        {
            all.Add(new StoredOrganization(
                JsonSerializer.Deserialize(reader.GetString(0), DirectoryJson.Default.Organization)!,
                Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture)));
        }
        _cache = new Cached(all, clock.GetUtcNow());
        return all;
    }

    public async Task<StoredOrganization?> GetAsync(string id, CancellationToken cancellationToken) =>
        (await ListAsync(cancellationToken)).FirstOrDefault(o => o.Organization.Id == id);

    public Task<(WriteOutcome, long Version)> CreateAsync(Organization organization, string actor, CancellationToken cancellationToken) =>
        WriteAsync(organization.Id, actor, "create", organization, expected: null, mustExist: false, cancellationToken);

    public Task<(WriteOutcome, long Version)> UpdateAsync(Organization organization, string actor, long? expectedVersion, CancellationToken cancellationToken) =>
        WriteAsync(organization.Id, actor, "update", organization, expectedVersion, mustExist: true, cancellationToken);

    public async Task<WriteOutcome> DeleteAsync(string id, string actor, long? expectedVersion, CancellationToken cancellationToken) =>
        (await WriteAsync(id, actor, "delete", null, expectedVersion, mustExist: true, cancellationToken)).Item1;

    /// <summary>Loads a directory file's entries: new ones are created, changed ones updated, identical ones left alone; all or nothing.</summary>
    public async Task<(int Created, int Updated, int Unchanged)> ImportAsync(IReadOnlyList<Organization> organizations, string actor, CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        int created = 0, updated = 0, unchanged = 0;
        foreach (var organization in organizations)
        {
            var (before, version) = await ReadAsync(connection, transaction, organization.Id, cancellationToken);
            var after = JsonSerializer.Serialize(organization, DirectoryJson.Default.Organization);
            if (before == after) { unchanged++; continue; }
            await SaveAsync(connection, transaction, organization.Id, after, version + 1, before is null, cancellationToken);
            await AuditAsync(connection, transaction, actor, before is null ? "import-create" : "import-update", organization.Id, before, after, cancellationToken);
            if (before is null) created++; else updated++;
        }
        await transaction.CommitAsync(cancellationToken);
        _cache = null;
        return (created, updated, unchanged);
    }

    public async Task<bool> IsEmptyAsync(CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT COUNT(*) FROM organizations");
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 0;
    }

    public async Task<IReadOnlyList<AuditEntry>> AuditAsync(string? organizationId, int limit, CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "SELECT id, at, actor, action, organization_id, before, after FROM directory_audit "
            + (organizationId is null ? "" : "WHERE organization_id = @org ") + "ORDER BY id DESC LIMIT @limit")
            .With("limit", limit);
        if (organizationId is not null) command.With("org", organizationId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<AuditEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new AuditEntry(
                Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture),
                DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture)),
                reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6)));
        }
        return entries;
    }

    private async Task<(WriteOutcome, long)> WriteAsync(string id, string actor, string action, Organization? organization, long? expected, bool mustExist, CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var (before, version) = await ReadAsync(connection, transaction, id, cancellationToken);
        if (mustExist && before is null) return (WriteOutcome.NotFound, 0);
        if (!mustExist && before is not null) return (WriteOutcome.Exists, version);
        if (expected is { } wanted && wanted != version) return (WriteOutcome.VersionMismatch, version);

        var after = organization is null ? null : JsonSerializer.Serialize(organization, DirectoryJson.Default.Organization);
        if (after is null)
        {
            await using var delete = connection.Command("DELETE FROM organizations WHERE id = @id AND version = @version", transaction).With("id", id).With("version", version);
            if (await delete.ExecuteNonQueryAsync(cancellationToken) != 1) return (WriteOutcome.VersionMismatch, version);
        }
        else
        {
            try
            {
                await SaveAsync(connection, transaction, id, after, version + 1, before is null, cancellationToken);
            }
            catch (ConcurrentEditException)
            {
                return (before is null ? WriteOutcome.Exists : WriteOutcome.VersionMismatch, version);
            }
        }
        await AuditAsync(connection, transaction, actor, action, id, before, after, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        _cache = null;
        return (WriteOutcome.Done, version + 1);
    }

    private static async Task<(string? Data, long Version)> ReadAsync(DbConnection connection, DbTransaction transaction, string id, CancellationToken cancellationToken)
    {
        await using var command = connection.Command("SELECT data, version FROM organizations WHERE id = @id", transaction).With("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? (reader.GetString(0), Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture))
            : (null, 0);
    }

    /// <summary>Writes the row if nobody else did since it was read (a concurrent writer makes this throw <see cref="ConcurrentEditException"/>).</summary>
    private static async Task SaveAsync(DbConnection connection, DbTransaction transaction, string id, string data, long version, bool insert, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(insert
                ? "INSERT INTO organizations (id, data, version, updated_at) VALUES (@id, @data, @version, @now) ON CONFLICT (id) DO NOTHING"
                : "UPDATE organizations SET data = @data, version = @version, updated_at = @now WHERE id = @id AND version = @version - 1", transaction)
            .With("id", id).With("data", data).With("version", version).With("now", Sql.Now());
        if (await command.ExecuteNonQueryAsync(cancellationToken) != 1) throw new ConcurrentEditException(id);
    }

    private static async Task AuditAsync(DbConnection connection, DbTransaction transaction, string actor, string action, string id, string? before, string? after, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(
            "INSERT INTO directory_audit (at, actor, action, organization_id, before, after) VALUES (@at, @actor, @action, @org, @before, @after)", transaction)
            .With("at", Sql.Now()).With("actor", actor).With("action", action).With("org", id).With("before", before).With("after", after);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>Another writer changed the organisation between this writer's read and its write.</summary>
public sealed class ConcurrentEditException(string id) : Exception($"Organisation '{id}' was changed by someone else.");
