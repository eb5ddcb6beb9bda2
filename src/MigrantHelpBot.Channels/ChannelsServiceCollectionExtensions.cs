using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MigrantHelpBot.Bot;
using MigrantHelpBot.Channels.Connector;
using MigrantHelpBot.Channels.DirectLine;
using MigrantHelpBot.Channels.Line;
using MigrantHelpBot.Channels.Messenger;
using MigrantHelpBot.Channels.Outbox;
using MigrantHelpBot.Channels.Webhooks;

namespace MigrantHelpBot.Channels;

public static class ChannelsServiceCollectionExtensions
{
    /// <summary>The connector, Direct Line, LINE, Messenger and the outbox sender.</summary>
    public static IServiceCollection AddChannels(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient();
        services.AddOptions<BotOptions>().Bind(configuration.GetSection(BotOptions.Section));
        services.AddOptions<ConnectorOptions>().Bind(configuration.GetSection(ConnectorOptions.Section))
            .Validate(o => !o.AuthenticationEnabled || !string.IsNullOrWhiteSpace(o.AppId),
                "Connector:AppId is required when Connector:AuthenticationEnabled is true.")
            .ValidateOnStart();
        services.AddOptions<DirectLineOptions>().Bind(configuration.GetSection(DirectLineOptions.Section));
        services.AddOptions<OutboxOptions>().Bind(configuration.GetSection(OutboxOptions.Section));
        services.AddOptions<InboundOptions>().Bind(configuration.GetSection(InboundOptions.Section))
            .Validate(o => o.PerUserPerWindow > 0 && o.Window > TimeSpan.Zero, "Inbound:PerUserPerWindow and Inbound:Window must be positive.")
            .ValidateOnStart();
        services.AddSingleton<UserTurnLimiter>();

        services.AddSingleton<OpenIdKeys>();
        services.AddSingleton<ChannelAuthenticator>();
        services.AddSingleton<ConnectorTokens>();
        services.AddSingleton<ConnectorDelivery>();
        services.AddSingleton<IOutboxSender, ConnectorSender>();

        services.AddSingleton<DirectLineTokens>();
        services.AddSingleton<DirectLineDelivery>();
        services.AddSingleton<ProactiveMessenger>();

        // LINE and Messenger: inbound events through the durable inbox, replies through the outbox.
        services.AddOptions<LineOptions>().Bind(configuration.GetSection(LineOptions.Section));
        services.AddOptions<MessengerOptions>().Bind(configuration.GetSection(MessengerOptions.Section));
        // Polly times each attempt. The HTTP client's own log lines carry the URL, which names the user on these platforms
        // (LINE's profile path, Messenger's PSID, a conversation's path): none are written.
        services.AddHttpClient(LineInbound.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan).RemoveAllLoggers();
        services.AddHttpClient(MessengerInbound.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan).RemoveAllLoggers();
        services.AddHttpClient(nameof(ConnectorSender)).RemoveAllLoggers();
        services.AddSingleton<ChannelInbox>();
        services.AddSingleton<ChannelUsers>();
        services.AddSingleton<LineDelivery>();
        services.AddSingleton<MessengerDelivery>();
        services.AddSingleton<IOutboxSender, LineInbound>();
        services.AddSingleton<IOutboxSender, LineSender>();
        services.AddSingleton<IOutboxSender, MessengerInbound>();
        services.AddSingleton<IOutboxSender, MessengerSender>();

        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<InboxSignal>();
        services.AddHostedService<OutboxDispatcher>();

        services.AddCors(cors => cors.AddPolicy(DirectLineApi.CorsPolicy, policy =>
            policy.AllowAnyOrigin().AllowAnyHeader().WithMethods("GET", "POST")));
        return services;
    }
}
