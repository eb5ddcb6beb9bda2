using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MigrantHelpBot.Data;

namespace MigrantHelpBot.Directory.Access;

/// <summary>Who an API key belongs to.</summary>
public sealed record ApiKeyOwner(string Id, string Name, string Role, string? OrganizationId);

/// <summary>
/// API keys: <c>mhb_{id}_{secret}</c>. Only a SHA-256 hash of the secret is stored; the key is shown
/// once, when it is made. Roles: <c>admin</c> (the coalition: edits the directory), <c>service</c>
/// (the bot calling a standalone directory), <c>staff</c> (an organisation's own systems).
/// </summary>
public sealed class ApiKeyStore(Database database)
{
    public static readonly IReadOnlyList<string> Roles = ["admin", "service", "staff"];

    public async Task<(ApiKeyOwner Owner, string Key)> CreateAsync(string name, string role, string? organizationId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A key needs a name (who holds it).", nameof(name));
        if (!Roles.Contains(role)) throw new ArgumentException($"Unknown role '{role}'; use one of {string.Join(", ", Roles)}.", nameof(role));
        if (role == "staff" && string.IsNullOrWhiteSpace(organizationId)) throw new ArgumentException("A staff key belongs to an organisation (--org).", nameof(organizationId));
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "INSERT INTO api_keys (id, name, role, organization_id, secret_hash, created_at) VALUES (@id, @name, @role, @org, @hash, @now)")
            .With("id", id).With("name", name.Trim()).With("role", role).With("org", organizationId).With("hash", Hash(secret)).With("now", Sql.Now());
        await command.ExecuteNonQueryAsync(cancellationToken);
        return (new ApiKeyOwner(id, name.Trim(), role, organizationId), $"mhb_{id}_{secret}");
    }

    /// <summary>The owner of a presented key, or null if it is malformed, unknown, revoked or wrong (compared in constant time).</summary>
    public async Task<ApiKeyOwner?> FindAsync(string key, CancellationToken cancellationToken)
    {
        var parts = key.Split('_', 3);
        if (parts.Length != 3 || parts[0] != "mhb" || parts[1].Length != 12 || parts[2].Length is < 20 or > 100) return null;
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT name, role, organization_id, secret_hash FROM api_keys WHERE id = @id AND revoked_at IS NULL").With("id", parts[1]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        var stored = (byte[])reader.GetValue(3);
        if (!CryptographicOperations.FixedTimeEquals(stored, Hash(parts[2]))) return null;
        return new ApiKeyOwner(parts[1], reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
    }

    public async Task<bool> RevokeAsync(string id, CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("UPDATE api_keys SET revoked_at = @now WHERE id = @id AND revoked_at IS NULL").With("id", id).With("now", Sql.Now());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<IReadOnlyList<(ApiKeyOwner Owner, DateTimeOffset Created, bool Revoked)>> ListAsync(CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT id, name, role, organization_id, created_at, revoked_at FROM api_keys ORDER BY created_at");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<(ApiKeyOwner, DateTimeOffset, bool)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add((new ApiKeyOwner(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)),
                DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(reader.GetValue(4), CultureInfo.InvariantCulture)), !reader.IsDBNull(5)));
        }
        return keys;
    }

    private static byte[] Hash(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));
}
