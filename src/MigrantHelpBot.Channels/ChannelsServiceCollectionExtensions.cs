using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MigrantHelpBot.Bot;
using MigrantHelpBot.Channels.Connector;
using MigrantHelpBot.Channels.DirectLine;
using MigrantHelpBot.Channels.Outbox;

namespace MigrantHelpBot.Channels;

public static class ChannelsServiceCollectionExtensions
{
    /// <summary>The connector, Direct Line and the outbox sender.</summary>
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

        services.AddSingleton<OpenIdKeys>();
        services.AddSingleton<ChannelAuthenticator>();
        services.AddSingleton<ConnectorTokens>();
        services.AddSingleton<ConnectorDelivery>();
        services.AddSingleton<IOutboxSender, ConnectorSender>();

        services.AddSingleton<DirectLineTokens>();
        services.AddSingleton<DirectLineDelivery>();
        services.AddSingleton<ProactiveMessenger>();

        services.AddSingleton<OutboxSignal>();
        services.AddHostedService<OutboxDispatcher>();

        services.AddCors(cors => cors.AddPolicy(DirectLineApi.CorsPolicy, policy =>
            policy.AllowAnyOrigin().AllowAnyHeader().WithMethods("GET", "POST")));
        return services;
    }
}
