namespace MigrantHelpBot.Channels.Connector;

/// <summary>Configuration section <c>Connector</c>: the Bot Framework connector (/api/messages).</summary>
public sealed class ConnectorOptions
{
    public const string Section = "Connector";

    /// <summary>
    /// Validate the channel's JWT on every request. Off for local use (the Emulator without an app id);
    /// switch on whenever Azure Bot Service or any other remote channel talks to the bot.
    /// </summary>
    public bool AuthenticationEnabled { get; set; }

    /// <summary>The bot's Microsoft App ID: the audience of inbound tokens and the client id of outbound ones.</summary>
    public string? AppId { get; set; }

    /// <summary>The app's client secret, for tokens on replies sent to the channel's serviceUrl.</summary>
    public string? AppPassword { get; set; }

    public string OpenIdMetadataUrl { get; set; } = "https://login.botframework.com/v1/.well-known/openidconfiguration";

    public List<string> ValidIssuers { get; set; } = ["https://api.botframework.com"];

    public string TokenEndpoint { get; set; } = "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token";

    public string TokenScope { get; set; } = "https://api.botframework.com/.default";

    /// <summary>
    /// While authentication is off, replies go only to loopback serviceUrls and these hosts, so an
    /// unauthenticated caller cannot make the bot POST to arbitrary addresses.
    /// </summary>
    public List<string> AllowedServiceUrlHosts { get; set; } = [];

    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Timeout for one POST to a serviceUrl.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
