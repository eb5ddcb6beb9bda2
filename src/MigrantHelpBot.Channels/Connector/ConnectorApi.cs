using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Bot.Storage;
using MigrantHelpBot.Bot.Turns;
using MigrantHelpBot.Channels.Http;

namespace MigrantHelpBot.Channels.Connector;

/// <summary><c>POST /api/messages</c>: the Bot Framework connector protocol.</summary>
public static class ConnectorApi
{
    public static IEndpointRouteBuilder MapConnectorApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/messages", PostActivityAsync).WithName("ConnectorMessages");
        return app;
    }

    internal static async Task<IResult> PostActivityAsync(
        HttpContext http,
        TurnRunner runner,
        ConnectorDelivery delivery,
        ChannelAuthenticator authenticator,
        IOptions<ConnectorOptions> options)
    {
        var settings = options.Value;
        var authorization = http.Request.Headers.Authorization.ToString();
        if (settings.AuthenticationEnabled && authorization.Length == 0)
        {
            return Problems.Unauthorized("A channel token (Authorization: Bearer) is required.");
        }

        var (activity, problem) = await JsonBody.ReadAsync(http.Request, BotJsonContext.Wire.Activity);
        if (problem is not null) return problem;

        var expectReplies = activity!.DeliveryMode == DeliveryModes.ExpectReplies;
        var errors = ActivityValidation.Validate(activity, requireServiceUrl: !expectReplies);
        if (errors.Count > 0) return Problems.BadRequest("The activity is missing required fields.", errors);

        if (settings.AuthenticationEnabled)
        {
            if (await authenticator.ValidateAsync(authorization, activity.ChannelId, activity.ServiceUrl, http.RequestAborted) is not null)
            {
                return Problems.Unauthorized("The channel token is not valid for this bot.");
            }
        }
        else if (!expectReplies && !IsAllowedWithoutAuthentication(activity.ServiceUrl!, settings))
        {
            return Problems.BadRequest(
                "Channel authentication is off, so replies go only to loopback serviceUrls or Connector:AllowedServiceUrlHosts.",
                new Dictionary<string, string[]> { ["serviceUrl"] = ["is not an allowed host while authentication is off."] });
        }

        TurnResult result;
        try
        {
            // The turn finishes even if the caller hangs up: the activity was received.
            result = await runner.RunAsync(activity, expectReplies ? ExpectRepliesDelivery.Instance : delivery, CancellationToken.None);
        }
        catch (TurnConflictException)
        {
            return Problems.Unavailable(http, "The conversation is busy; send the activity again.");
        }
        catch (StorageUnavailableException)
        {
            return Problems.Unavailable(http, "Storage is unavailable; nothing was recorded. Send the activity again.");
        }

        if (activity.Type == ActivityTypes.Invoke) return InvokeResult(result);
        if (expectReplies)
        {
            var replies = new ExpectedReplies { Activities = [.. result.Outgoing.Where(a => a.Type != ActivityTypes.InvokeResponse)] };
            return TypedResults.Json(replies, BotJsonContext.Wire.ExpectedReplies);
        }
        return TypedResults.Ok();
    }

    private static IResult InvokeResult(TurnResult result)
    {
        var response = result.Outgoing.FirstOrDefault(a => a.Type == ActivityTypes.InvokeResponse);
        if (response?.Value is not { ValueKind: JsonValueKind.Object } value)
        {
            return TypedResults.Problem("The bot does not handle this invoke.", statusCode: StatusCodes.Status501NotImplemented);
        }
        var status = value.TryGetProperty("status", out var s) && s.TryGetInt32(out var code) ? code : StatusCodes.Status200OK;
        return value.TryGetProperty("body", out var body)
            ? TypedResults.Json(body, BotJsonContext.Wire.JsonElement, statusCode: status)
            : TypedResults.StatusCode(status);
    }

    internal static bool IsAllowedWithoutAuthentication(string serviceUrl, ConnectorOptions settings)
    {
        if (!Uri.TryCreate(serviceUrl, UriKind.Absolute, out var uri)) return false;
        if (uri.IsLoopback) return true;
        if (IPAddress.TryParse(uri.Host, out var address) && IPAddress.IsLoopback(address)) return true;
        return settings.AllowedServiceUrlHosts.Contains(uri.Host, StringComparer.OrdinalIgnoreCase);
    }
}
