namespace MigrantHelpBot.Data;

/// <summary>The Direct Line conversations this host has started, and the user each belongs to.</summary>
public sealed class DirectLineConversationStore(Database database)
{
    /// <summary>Records a new conversation; false if the id is taken.</summary>
    public async Task<bool> CreateAsync(string conversationId, string userId, CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "INSERT INTO directline_conversations (id, user_id, created_at) VALUES (@id, @user, @now) ON CONFLICT (id) DO NOTHING")
            .With("id", conversationId).With("user", userId).With("now", Sql.Now());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>The conversation's user, or null if there is no such conversation.</summary>
    public async Task<string?> GetUserAsync(string conversationId, CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT user_id FROM directline_conversations WHERE id = @id").With("id", conversationId);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }
}
