namespace MigrantHelpBot.Channels.DirectLine;

/// <summary>Configuration section <c>DirectLine</c>.</summary>
public sealed class DirectLineOptions
{
    public const string Section = "DirectLine";

    /// <summary>
    /// The Direct Line secret a trusted server uses to start conversations or mint tokens
    /// (<c>POST /v3/directline/tokens/generate</c>). Unset: only the built-in chat page's token endpoint starts conversations.
    /// </summary>
    public string? Secret { get; set; }

    /// <summary>HMAC key for tokens (base64, at least 32 bytes). Unset: generated on first run and kept in the database.</summary>
    public string? TokenSigningKey { get; set; }

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Most activities returned by one poll.</summary>
    public int MaxActivitiesPerPoll { get; set; } = 100;
}
