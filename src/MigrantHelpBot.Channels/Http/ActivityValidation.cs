using MigrantHelpBot.Bot.Schema;

namespace MigrantHelpBot.Channels.Http;

/// <summary>Checks an inbound activity has what a turn needs, with limits on identifiers and text.</summary>
public static class ActivityValidation
{
    public const int MaxIdLength = 256;
    public const int MaxTextLength = 10_000;

    /// <summary>Field → problems; empty when the activity is acceptable.</summary>
    public static Dictionary<string, string[]> Validate(Activity activity, bool requireServiceUrl)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Require(errors, "type", activity.Type, 64);
        Require(errors, "channelId", activity.ChannelId, 64);
        Require(errors, "conversation.id", activity.Conversation?.Id, MaxIdLength);
        if (activity.Type is ActivityTypes.Message or ActivityTypes.Invoke or ActivityTypes.Event)
        {
            Require(errors, "from.id", activity.From?.Id, MaxIdLength);
        }
        else if (activity.From?.Id is { Length: > MaxIdLength })
        {
            errors["from.id"] = [$"must be at most {MaxIdLength} characters."];
        }
        if (activity.Id is { Length: > MaxIdLength }) errors["id"] = [$"must be at most {MaxIdLength} characters."];
        if (activity.Text is { Length: > MaxTextLength }) errors["text"] = [$"must be at most {MaxTextLength:N0} characters."];
        if (requireServiceUrl || activity.ServiceUrl is not null)
        {
            if (!Uri.TryCreate(activity.ServiceUrl, UriKind.Absolute, out var serviceUrl) || serviceUrl.Scheme is not ("http" or "https"))
            {
                errors["serviceUrl"] = ["must be an absolute http or https URL."];
            }
        }
        return errors;
    }

    private static void Require(Dictionary<string, string[]> errors, string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value)) errors[field] = ["is required."];
        else if (value.Length > maxLength) errors[field] = [$"must be at most {maxLength} characters."];
    }
}
