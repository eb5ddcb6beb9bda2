namespace MigrantHelpBot.Data;

/// <summary>
/// Values the service generates for itself on first run (a token signing key, webhook secrets), shared by all
/// replicas; sealed at rest like personal data, so a copy of the database cannot forge tokens or notifications.
/// </summary>
public sealed class SettingsStore(Database database)
{
    /// <summary>The stored value of <paramref name="key"/>; the first caller's <paramref name="create"/> wins.</summary>
    public async Task<string> GetOrCreateAsync(string key, Func<string> create, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(create);
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using (var insert = connection.Command("INSERT INTO settings (key, value) VALUES (@key, @value) ON CONFLICT (key) DO NOTHING")
            .With("key", key).With("value", database.Cipher.Protect(create(), SealedColumns.Setting)))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var read = connection.Command("SELECT value FROM settings WHERE key = @key").With("key", key);
        return database.Cipher.Unprotect((string)(await read.ExecuteScalarAsync(cancellationToken))!, SealedColumns.Setting)!;
    }

    public async Task<string?> GetAsync(string key, CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var read = connection.Command("SELECT value FROM settings WHERE key = @key").With("key", key);
        return database.Cipher.Unprotect(await read.ExecuteScalarAsync(cancellationToken) as string, SealedColumns.Setting);
    }

    public async Task SetAsync(string key, string value, CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var upsert = connection.Command("INSERT INTO settings (key, value) VALUES (@key, @value) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .With("key", key).With("value", database.Cipher.Protect(value, SealedColumns.Setting));
        await upsert.ExecuteNonQueryAsync(cancellationToken);
    }
}
