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

    /// <summary>The pseudonym key of every test database in this process.</summary>
    public static readonly string PseudonymKey = Convert.ToBase64String(FieldCipher.NewKey());

    public static Pseudonyms Pseudonyms { get; } = new(Convert.FromBase64String(PseudonymKey));

    /// <summary>The pseudonym a host of this process gives a LINE or Messenger account: what its keys hold.</summary>
    public static string Pseudonym(string channel, string accountId) => Pseudonyms.Of(channel, accountId);

    /// <summary>Configuration values that point a host at this database (and its encryption key).</summary>
    public Dictionary<string, string?> Settings => new()
    {
        ["Storage:Provider"] = Provider.ToString(),
        ["Storage:ConnectionString"] = ConnectionString,
        ["Storage:Encryption:Keys:test"] = Key,
        ["Storage:Encryption:CurrentKey"] = "test",
        ["Storage:Encryption:PseudonymKey"] = PseudonymKey,
    };

    public Database Open(int postgresWriters = 4) => Engine == Engine.Sqlite
        ? new SqliteDatabase(ConnectionString) { Cipher = Cipher, Pseudonyms = Pseudonyms }
        : new PostgresDatabase(ConnectionString, postgresWriters) { Cipher = Cipher, Pseudonyms = Pseudonyms };

    /// <summary>One row of a table as the database holds it (sealed values stay sealed).</summary>
    public sealed record StoredRow(string Table, IReadOnlyList<(string Column, object? Value)> Cells)
    {
        /// <summary>The row as one line of text (bytes as hex, numbers invariant), cells separated by <paramref name="separator"/>.</summary>
        public string Render(string separator = " | ") => string.Join(separator, Cells.Select(c => c.Value switch
        {
            null => "NULL",
            byte[] bytes => Convert.ToHexString(bytes),
            var value => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture),
        }));
    }

    /// <summary>A stored value as the service reads it: a sealed one opened with the test key (its column bound in), any other as it is.</summary>
    public static string Opened(string table, string column, string stored) =>
        stored.StartsWith(FieldCipher.Prefix, StringComparison.Ordinal) ? Cipher.Unprotect(stored, $"{table}.{column}")! : stored;

    /// <summary>The tables of the database and all their rows.</summary>
    public sealed record Stored(IReadOnlyList<string> Tables, IReadOnlyList<StoredRow> Rows);

    /// <summary>Every table, and every row of it: what a copy of the database would hold.</summary>
    public async Task<Stored> StoredAsync()
    {
        await using var database = Open();
        await using var connection = await database.OpenAsync(CancellationToken.None);
        var tables = new List<string>();
        await using (var list = connection.CreateCommand())
        {
            list.CommandText = Engine == Engine.Sqlite
                ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
                : "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name";
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        }
        var rows = new List<StoredRow>();
        foreach (var table in tables)
        {
            await using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var cells = new List<(string, object?)>(reader.FieldCount);
                for (var i = 0; i < reader.FieldCount; i++) cells.Add((reader.GetName(i), reader.IsDBNull(i) ? null : reader.GetValue(i)));
                rows.Add(new StoredRow(table, cells));
            }
        }
        return new Stored(tables, rows);
    }

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

    /// <summary>A new database on the shared test server, or on <paramref name="server"/> (an admin connection string) when given.</summary>
    public static async Task<TestDatabase> CreatePostgresAsync(string? server = null)
    {
        var admin = server ?? Requires.Postgres();
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
