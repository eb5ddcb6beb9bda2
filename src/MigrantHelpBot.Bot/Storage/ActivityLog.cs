namespace MigrantHelpBot.Bot.Storage;

/// <summary>One logged activity and its position in the conversation.</summary>
public readonly record struct LoggedActivity(long Seq, string ActivityJson);

/// <summary>Reads a conversation's activity log (the transcript a Direct Line client polls).</summary>
public interface IActivityLogReader
{
    Task<IReadOnlyList<LoggedActivity>> ReadAsync(string conversationKey, long afterSeq, int max, CancellationToken cancellationToken);
}
