using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MigrantHelpBot.Bot.Storage;

namespace MigrantHelpBot.Data;

public static partial class StorageServiceCollectionExtensions
{
    /// <summary>Registers the engine chosen by <c>Storage:Provider</c> and the stores on it; migrates at start-up.</summary>
    /// <param name="contentRoot">Where a relative SQLite file name is rooted.</param>
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration, string? contentRoot = null)
    {
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section))
            .Validate(o => o.MaxBatch is >= 1 and <= 10_000, "Storage:MaxBatch must be between 1 and 10000.")
            .Validate(o => o.PostgresWriters is >= 1 and <= 64, "Storage:PostgresWriters must be between 1 and 64.")
            .Validate(o => o.Provider != StorageProvider.Postgres || !string.IsNullOrWhiteSpace(o.ConnectionString),
                "Storage:ConnectionString is required when Storage:Provider is Postgres.")
            .ValidateOnStart();
        services.AddSingleton<Database>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            var encryption = configuration.GetSection(EncryptionOptions.Section).Get<EncryptionOptions>() ?? new EncryptionOptions();
            var cipher = FieldCipher.FromOptions(encryption, contentRoot);
            var pseudonyms = Pseudonyms.FromOptions(encryption, contentRoot);
            return options.Provider switch
            {
                StorageProvider.Postgres => new PostgresDatabase(options.EffectiveConnectionString, options.PostgresWriters) { Cipher = cipher, Pseudonyms = pseudonyms },
                _ => new SqliteDatabase(options.EffectiveConnectionString, options.SqliteSynchronous, contentRoot) { Cipher = cipher, Pseudonyms = pseudonyms },
            };
        });
        services.AddSingleton(sp => new SqlStateStore(
            sp.GetRequiredService<Database>(),
            sp.GetRequiredService<IOptions<StorageOptions>>().Value.MaxBatch,
            sp.GetRequiredService<ILogger<SqlStateStore>>()));
        services.AddSingleton<IStateStore>(sp => sp.GetRequiredService<SqlStateStore>());
        services.AddSingleton<IActivityLogReader>(sp => sp.GetRequiredService<SqlStateStore>());
        services.AddSingleton<OutboxStore>();
        services.AddSingleton<IOutboxStore>(sp => sp.GetRequiredService<OutboxStore>());
        services.AddSingleton<DirectLineConversationStore>();
        services.AddSingleton<SettingsStore>();
        services.AddSingleton<EventStore>();
        services.AddHostedService<MigrateOnStart>();
        services.AddSingleton<KeyRotation>();
        services.AddHostedService(sp => sp.GetRequiredService<KeyRotation>());
        return services;
    }

    /// <summary>Migrates when the host starts; if the database is down, later calls retry.</summary>
    private sealed partial class MigrateOnStart(Database database, ILogger<MigrateOnStart> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            try
            {
                await database.EnsureReadyAsync(cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogMigrationDeferred(exception);
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(Level = LogLevel.Error, Message = "The database could not be migrated at start-up; requests will retry and /healthz reports it.")]
        private partial void LogMigrationDeferred(Exception exception);
    }
}
