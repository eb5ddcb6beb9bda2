using MigrantHelpBot.Channels.DirectLine;
using MigrantHelpBot.Dialogs.Locales;

namespace MigrantHelpBot.Host.WebChat;

/// <summary>What the chat page at <c>/</c> needs besides Direct Line: a token, and its interface text.</summary>
internal static class WebChatApi
{
    private static readonly string[] s_keys = ["title", "placeholder", "send", "connecting", "offline"];

    public static IEndpointRouteBuilder MapWebChatApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/webchat");

        // The page's token server: a fresh conversation for an anonymous visitor; the secret stays on the server.
        group.MapPost("/token", async (DirectLineTokens tokens, CancellationToken cancellationToken) =>
            TypedResults.Json(await DirectLineApi.IssueForNewUserAsync(tokens, userName: null, cancellationToken)));

        group.MapGet("/strings", (LocaleCatalog locales) =>
            TypedResults.Ok(new WebChatStrings(
                locales.Fallback,
                locales.Languages.ToDictionary(l => l, l => s_keys.ToDictionary(k => k, k => locales.Text(l, "webchat." + k))))));
        return app;
    }

    internal sealed record WebChatStrings(string Fallback, Dictionary<string, Dictionary<string, string>> Languages);
}
