using Npgsql;
using MigrantHelpBot.Data;

namespace MigrantHelpBot.Testing;

public enum Engine { Sqlite, Postgres }

/// <summary>A fresh, empty database of either engine, removed again on dispose.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly Func<ValueTask> _cleanup;

    private TestDatabase(Engine engine, string connectionString, Func<ValueTask> cleanup)
    {
        Engine = engine;
        ConnectionString = connectionString;
        _cleanup = cleanup;
    }

    public Engine Engine { get; }

    public string ConnectionString { get; }

    public StorageProvider Provider => Engine == Engine.Sqlite ? StorageProvider.Sqlite : StorageProvider.Postgres;

    /// <summary>The encryption key of every test database in this process (a host's and <see cref="Open"/>'s agree).</summary>
    public static readonly string Key = Convert.ToBase64String(FieldCipher.NewKey());

    public static FieldCipher Cipher { get; } = new(new Dictionary<string, byte[]> { ["test"] = Convert.FromBase64String(Key) }, "test");

    /// <summary>Configuration values that point a host at this database (and its encryption key).</summary>
    public Dictionary<string, string?> Settings => new()
    {
        ["Storage:Provider"] = Provider.ToString(),
        ["Storage:ConnectionString"] = ConnectionString,
        ["Storage:Encryption:Keys:test"] = Key,
        ["Storage:Encryption:CurrentKey"] = "test",
    };

    public Database Open(int postgresWriters = 4) => Engine == Engine.Sqlite
        ? new SqliteDatabase(ConnectionString) { Cipher = Cipher }
        : new PostgresDatabase(ConnectionString, postgresWriters) { Cipher = Cipher };

    public static async Task<TestDatabase> CreateAsync(Engine engine) => engine switch
    {
        Engine.Sqlite => CreateSqlite(),
        _ => await CreatePostgresAsync(),
    };

    public static TestDatabase CreateSqlite()
    {
        var directory = Path.Combine(Path.GetTempPath(), "mhb-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, "state.db");
        return new TestDatabase(Engine.Sqlite, $"Data Source={file}", () =>
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // A file still open in a pool; the temp folder is cleaned by the OS.
            }
            return ValueTask.CompletedTask;
        });
    }

    public static async Task<TestDatabase> CreatePostgresAsync()
    {
        var admin = Requires.Postgres();
        var name = "mhb_test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }
        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        return new TestDatabase(Engine.Postgres, connectionString, async () =>
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(admin);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        });
    }

    public ValueTask DisposeAsync() => _cleanup();
}
