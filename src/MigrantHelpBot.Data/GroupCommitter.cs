using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using MigrantHelpBot.Bot.Storage;

namespace MigrantHelpBot.Data;

/// <summary>
/// Group commit: concurrent turns queue their commits, and each writer applies everything queued
/// in one transaction, so one fsync makes many turns durable. A commit whose eTag check fails is
/// rolled out of the batch (the transaction is rolled back and redone without it); the others are
/// unaffected. A turn's task completes only after its transaction is durable.
/// </summary>
internal sealed partial class GroupCommitter : IAsyncDisposable
{
    private readonly Database _database;
    private readonly int _maxBatch;
    private readonly ILogger _logger;
    private readonly Channel<Pending> _queue;
    private readonly Task[] _writers;

    public GroupCommitter(Database database, int maxBatch, ILogger logger)
    {
        _database = database;
        _maxBatch = maxBatch;
        _logger = logger;
        _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = database.Writers == 1 });
        _writers = [.. Enumerable.Range(0, database.Writers).Select(_ => Task.Run(WriteLoopAsync))];
    }

    public Task CommitAsync(StateCommit commit)
    {
        var pending = new Pending(commit);
        if (!_queue.Writer.TryWrite(pending)) throw new StorageUnavailableException("The store is shutting down.");
        return pending.Completion.Task;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(_maxBatch);
        Writer? writer = null;
        try
        {
            while (await _queue.Reader.WaitToReadAsync())
            {
                batch.Clear();
                while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var pending)) batch.Add(pending);
                if (batch.Count == 0) continue;
                try
                {
                    writer = await ExecuteAsync(batch, writer);
                }
                catch (Exception exception)
                {
                    // Never let one bad batch stop the writer: every later turn would wait forever.
                    LogUnavailable(exception);
                    FailAll(batch, exception);
                    if (writer is not null) await writer.DisposeAsync();
                    writer = null;
                }
            }
        }
        finally
        {
            if (writer is not null) await writer.DisposeAsync();
        }
    }

    /// <summary>Commits <paramref name="batch"/>; returns the writer to reuse for the next batch.</summary>
    private async Task<Writer?> ExecuteAsync(List<Pending> batch, Writer? writer)
    {
        while (batch.Count > 0)
        {
            try
            {
                await _database.EnsureReadyAsync(CancellationToken.None);
                writer ??= new Writer(await _database.OpenWriterAsync(CancellationToken.None), _database.Cipher);
            }
            catch (Exception exception)
            {
                LogUnavailable(exception);
                FailAll(batch, exception);
                return null;
            }

            var failed = -1;
            Exception? failure = null;
            try
            {
                await using (var transaction = await writer.Connection.BeginTransactionAsync())
                {
                    for (var i = 0; i < batch.Count && failed < 0; i++)
                    {
                        try
                        {
                            if (await writer.Applier.ApplyAsync(batch[i].Commit, transaction, CancellationToken.None) is { } conflictKey)
                            {
                                failed = i;
                                failure = new ETagConflictException(conflictKey);
                            }
                        }
                        catch (DbException exception) when (writer.Connection.State == System.Data.ConnectionState.Open)
                        {
                            LogItemFailed(exception);
                            failed = i;
                            failure = new StorageUnavailableException("A turn's commit was rejected by the database.", exception);
                        }
                    }

                    if (failed >= 0) await transaction.RollbackAsync();
                    else await transaction.CommitAsync();
                }
            }
            catch (Exception exception)
            {
                LogUnavailable(exception);
                FailAll(batch, exception);
                await writer.DisposeAsync();
                return null;
            }

            if (failed >= 0)
            {
                batch[failed].Completion.TrySetException(failure!);
                batch.RemoveAt(failed);
                continue;
            }

            foreach (var pending in batch) pending.Completion.TrySetResult();
            batch.Clear();
        }

        if (_database.KeepsWriterOpen) return writer;
        if (writer is not null) await writer.DisposeAsync();
        return null;
    }

    private static void FailAll(List<Pending> batch, Exception exception)
    {
        var error = exception as StorageUnavailableException ?? new StorageUnavailableException("The database is not reachable.", exception);
        foreach (var pending in batch) pending.Completion.TrySetException(error);
        batch.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_writers);
    }

    private sealed class Pending(StateCommit commit)
    {
        public StateCommit Commit { get; } = commit;
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Writer(DbConnection connection, FieldCipher cipher) : IAsyncDisposable
    {
        public DbConnection Connection { get; } = connection;
        public CommitApplier Applier { get; } = new(connection, cipher);

        public async ValueTask DisposeAsync()
        {
            await Applier.DisposeAsync();
            await Connection.DisposeAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The database did not take a batch of turns; they were failed and will be retried by their callers.")]
    private partial void LogUnavailable(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database rejected one turn's commit; the rest of its batch is committed without it.")]
    private partial void LogItemFailed(Exception exception);
}
