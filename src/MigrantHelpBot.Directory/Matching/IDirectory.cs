namespace MigrantHelpBot.Directory.Matching;

/// <summary>What the bot asks of the directory, in-process or over HTTP.</summary>
public interface IDirectory
{
    /// <summary>Matches a request already checked by <see cref="MatchRequestRules"/>.</summary>
    Task<MatchResult> MatchAsync(MatchRequest request, CancellationToken cancellationToken);
}

/// <summary>The directory in this process: the stored organisations, the matcher, gaps recorded.</summary>
public sealed class LocalDirectory(Organizations.OrganizationStore organizations, Matcher matcher, GapStore gaps) : IDirectory
{
    public async Task<MatchResult> MatchAsync(MatchRequest request, CancellationToken cancellationToken)
    {
        var all = await organizations.ListAsync(cancellationToken);
        var result = matcher.Match(all.Select(o => o.Organization), request);
        if (result.Fallback) await gaps.RecordAsync(request, cancellationToken);
        return result;
    }
}
