using System.Data.Common;
using System.Globalization;

namespace MigrantHelpBot.Data;

/// <summary>Applies <see cref="Migrations.All"/> in order, each version once, in one transaction.</summary>
internal sealed class Migrator(Database database)
{
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await database.PrepareAsync(connection, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Lock first: replicas starting together would otherwise race to create the table itself.
        await database.LockForMigrationAsync(connection, transaction, cancellationToken);
        await using (var create = connection.Command(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)", transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var applied = new HashSet<int>();
        await using (var read = connection.Command("SELECT version FROM schema_migrations", transaction))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) applied.Add(Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture));
        }

        foreach (var migration in Migrations.All.Where(m => !applied.Contains(m.Version)).OrderBy(m => m.Version))
        {
            await using (var step = connection.Command(database.MigrationSql(migration), transaction))
            {
                await step.ExecuteNonQueryAsync(cancellationToken);
            }
            if (migration.Code is { } code) await code(database, connection, transaction, cancellationToken);
            await using var record = connection.Command(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @at)", transaction)
                .With("version", migration.Version).With("name", migration.Name).With("at", Sql.Now());
            await record.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }
}
