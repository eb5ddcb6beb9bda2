using System.Data.Common;
using Npgsql;

namespace MigrantHelpBot.Data;

/// <summary>PostgreSQL for production: pooled connections shared by any number of host replicas.</summary>
public sealed class PostgresDatabase(string connectionString, int writers) : Database
{
    // Any constant works; it only has to be the same in every replica.
    private const long MigrationLockId = 0x4D48_4254_5345;
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);

    public override StorageProvider Provider => StorageProvider.Postgres;

    internal override int Writers => writers;

    internal override bool KeepsWriterOpen => false;

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    internal override ValueTask<DbConnection> OpenWriterAsync(CancellationToken cancellationToken) => OpenAsync(cancellationToken);

    internal override string MigrationSql(Migration migration) => migration.Postgres;

    internal override async Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.Command("SELECT pg_advisory_xact_lock(@id)", transaction).With("id", MigrationLockId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    internal override string OutboxLeaseSql(string laneFilter) => OutboxStore.LeaseSql(skipLocked: true, laneFilter);

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
