using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MigrantHelpBot.Bot;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Bot.Storage;
using MigrantHelpBot.Bot.Turns;
using MigrantHelpBot.Channels.Http;
using MigrantHelpBot.Data;

namespace MigrantHelpBot.Channels.DirectLine;

/// <summary>
/// Direct Line 3.0 over polling: the subset Microsoft's Web Chat (botframework-webchat with
/// <c>webSocket: false</c>) uses. Tokens are scoped to one conversation.
/// </summary>
public static class DirectLineApi
{
    public const string CorsPolicy = "DirectLine";
    private const int MaxNameLength = 100;

    public static IEndpointRouteBuilder MapDirectLineApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v3/directline").RequireCors(CorsPolicy);
        group.MapPost("/tokens/generate", GenerateTokenAsync);
        group.MapPost("/tokens/refresh", RefreshTokenAsync);
        group.MapPost("/conversations", StartConversationAsync);
        group.MapGet("/conversations/{conversationId}", GetConversationAsync);
        group.MapPost("/conversations/{conversationId}/activities", PostActivityAsync);
        group.MapGet("/conversations/{conversationId}/activities", GetActivitiesAsync);
        return app;
    }

    /// <summary>Starts a conversation for a new anonymous user and returns its token (the built-in chat page's token server).</summary>
    public static async Task<DirectLineConversation> IssueForNewUserAsync(DirectLineTokens tokens, string? userName, CancellationToken cancellationToken)
    {
        var conversationId = NewId();
        var (token, expiresIn) = await tokens.IssueAsync(conversationId, "dl_" + NewId(), userName, cancellationToken);
        return new DirectLineConversation { ConversationId = conversationId, Token = token, ExpiresIn = expiresIn };
    }

    internal static async Task<IResult> GenerateTokenAsync(HttpContext http, DirectLineTokens tokens, IOptions<DirectLineOptions> options)
    {
        if (!IsSecret(http, options.Value)) return Problems.Unauthorized("tokens/generate needs the Direct Line secret (Authorization: Bearer).");
        var (request, problem) = await JsonBody.ReadAsync(http.Request, DirectLineJsonContext.Default.DirectLineStartRequest, 16 * 1024, allowEmpty: true);
        if (problem is not null) return problem;
        var userId = request?.User?.Id;
        if (userId is { Length: > ActivityValidation.MaxIdLength }) return Problems.BadRequest("user.id is too long.");
        var conversationId = NewId();
        var (token, expiresIn) = await tokens.IssueAsync(conversationId, userId ?? "dl_" + NewId(), Truncate(request?.User?.Name), http.RequestAborted);
        return TypedResults.Json(new DirectLineConversation { ConversationId = conversationId, Token = token, ExpiresIn = expiresIn },
            DirectLineJsonContext.Default.DirectLineConversation);
    }

    internal static async Task<IResult> RefreshTokenAsync(HttpContext http, DirectLineTokens tokens)
    {
        var (grant, problem) = await AuthorizeTokenAsync(http, tokens, conversationId: null);
        if (problem is not null) return problem;
        var (token, expiresIn) = await tokens.IssueAsync(grant!.ConversationId, grant.UserId, grant.UserName, http.RequestAborted);
        return TypedResults.Json(new DirectLineConversation { ConversationId = grant.ConversationId, Token = token, ExpiresIn = expiresIn },
            DirectLineJsonContext.Default.DirectLineConversation);
    }

    internal static async Task<IResult> StartConversationAsync(
        HttpContext http, DirectLineTokens tokens, DirectLineConversationStore conversations, TurnRunner runner,
        DirectLineDelivery delivery, IOptions<DirectLineOptions> options, IOptions<BotOptions> bot)
    {
        var (request, problem) = await JsonBody.ReadAsync(http.Request, DirectLineJsonContext.Default.DirectLineStartRequest, 16 * 1024, allowEmpty: true);
        if (problem is not null) return problem;

        DirectLineGrant grant;
        string token;
        int expiresIn;
        if (IsSecret(http, options.Value))
        {
            var userId = request?.User?.Id ?? "dl_" + NewId();
            if (userId.Length > ActivityValidation.MaxIdLength) return Problems.BadRequest("user.id is too long.");
            grant = new DirectLineGrant(NewId(), userId, Truncate(request?.User?.Name), DateTimeOffset.MaxValue);
            (token, expiresIn) = await tokens.IssueAsync(grant.ConversationId, grant.UserId, grant.UserName, http.RequestAborted);
        }
        else
        {
            var (tokenGrant, tokenProblem) = await AuthorizeTokenAsync(http, tokens, conversationId: null);
            if (tokenProblem is not null) return tokenProblem;
            grant = tokenGrant!;
            token = BearerValue(http)!;
            expiresIn = (int)Math.Max(0, (grant.Expires - DateTimeOffset.UtcNow).TotalSeconds);
        }

        try
        {
            var created = await conversations.CreateAsync(grant.ConversationId, grant.UserId, http.RequestAborted);
            var body = new DirectLineConversation { ConversationId = grant.ConversationId, Token = token, ExpiresIn = expiresIn };
            if (!created) return TypedResults.Json(body, DirectLineJsonContext.Default.DirectLineConversation);

            // As Direct Line does, tell the bot who joined, so it can greet first.
            var user = new ChannelAccount { Id = grant.UserId, Name = grant.UserName, Role = "user" };
            var joined = new Activity
            {
                Type = ActivityTypes.ConversationUpdate,
                Id = DirectLineDelivery.NewActivityId(grant.ConversationId),
                ChannelId = DirectLineDelivery.ChannelId,
                ServiceUrl = DirectLineDelivery.ServiceUrl,
                Conversation = new ConversationAccount { Id = grant.ConversationId },
                From = user,
                Recipient = new ChannelAccount { Id = bot.Value.Id, Name = bot.Value.Name, Role = "bot" },
                MembersAdded = [new ChannelAccount { Id = bot.Value.Id, Name = bot.Value.Name, Role = "bot" }, user],
                Locale = Truncate(request?.Locale, 32),
                Timestamp = DateTimeOffset.UtcNow,
            };
            await runner.RunAsync(joined, delivery, CancellationToken.None);
            return TypedResults.Json(body, DirectLineJsonContext.Default.DirectLineConversation, statusCode: StatusCodes.Status201Created);
        }
        catch (Exception exception) when (exception is StorageUnavailableException or TurnConflictException)
        {
            return Problems.Unavailable(http, "The conversation could not be started; try again.");
        }
    }

    internal static async Task<IResult> GetConversationAsync(string conversationId, HttpContext http, DirectLineTokens tokens, DirectLineConversationStore conversations)
    {
        var (grant, problem) = await AuthorizeAsync(http, tokens, conversationId);
        if (problem is not null) return problem;
        if (await conversations.GetUserAsync(conversationId, http.RequestAborted) is null) return Problems.NotFound("There is no such conversation.");
        return TypedResults.Json(new DirectLineConversation
        {
            ConversationId = conversationId,
            Token = grant is null ? null : BearerValue(http),
            ExpiresIn = grant is null ? null : (int)Math.Max(0, (grant.Expires - DateTimeOffset.UtcNow).TotalSeconds),
        }, DirectLineJsonContext.Default.DirectLineConversation);
    }

    internal static async Task<IResult> PostActivityAsync(
        string conversationId, HttpContext http, DirectLineTokens tokens, DirectLineConversationStore conversations,
        TurnRunner runner, DirectLineDelivery delivery, IOptions<BotOptions> bot)
    {
        var (grant, problem) = await AuthorizeAsync(http, tokens, conversationId);
        if (problem is not null) return problem;
        var (activity, bodyProblem) = await JsonBody.ReadAsync(http.Request, BotJsonContext.Wire.Activity);
        if (bodyProblem is not null) return bodyProblem;

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(activity!.Type)) errors["type"] = ["is required."];
        if (activity.Text is { Length: > ActivityValidation.MaxTextLength }) errors["text"] = [$"must be at most {ActivityValidation.MaxTextLength:N0} characters."];
        var userId = grant?.UserId ?? activity.From?.Id;
        if (string.IsNullOrWhiteSpace(userId)) errors["from.id"] = ["is required when posting with the secret."];
        else if (userId.Length > ActivityValidation.MaxIdLength) errors["from.id"] = [$"must be at most {ActivityValidation.MaxIdLength} characters."];
        if (errors.Count > 0) return Problems.BadRequest("The activity is not valid.", errors);

        try
        {
            if (await conversations.GetUserAsync(conversationId, http.RequestAborted) is null) return Problems.NotFound("There is no such conversation; start it first.");

            // The service, not the client, decides who is speaking, where and when.
            activity.Id = DirectLineDelivery.NewActivityId(conversationId);
            activity.ChannelId = DirectLineDelivery.ChannelId;
            activity.ServiceUrl = DirectLineDelivery.ServiceUrl;
            activity.Conversation = new ConversationAccount { Id = conversationId };
            activity.From = new ChannelAccount { Id = userId, Name = Truncate(activity.From?.Name) ?? grant?.UserName, Role = "user" };
            activity.Recipient = new ChannelAccount { Id = bot.Value.Id, Name = bot.Value.Name, Role = "bot" };
            activity.Timestamp = DateTimeOffset.UtcNow;
            activity.DeliveryMode = null;

            if (activity.Type != ActivityTypes.Typing) await runner.RunAsync(activity, delivery, CancellationToken.None);
            return TypedResults.Json(new ResourceResponse { Id = activity.Id }, BotJsonContext.Wire.ResourceResponse);
        }
        catch (Exception exception) when (exception is StorageUnavailableException or TurnConflictException)
        {
            return Problems.Unavailable(http, "The activity was not recorded; send it again.");
        }
    }

    internal static async Task<IResult> GetActivitiesAsync(
        string conversationId, string? watermark, HttpContext http, DirectLineTokens tokens,
        IActivityLogReader log, IOptions<DirectLineOptions> options)
    {
        var (_, problem) = await AuthorizeAsync(http, tokens, conversationId);
        if (problem is not null) return problem;

        long after = 0;
        if (!string.IsNullOrEmpty(watermark) && (!long.TryParse(watermark, NumberStyles.None, CultureInfo.InvariantCulture, out after)))
        {
            return Problems.BadRequest("watermark must be a number returned by this endpoint.");
        }

        IReadOnlyList<LoggedActivity> activities;
        try
        {
            activities = await log.ReadAsync(DirectLineDelivery.LogKey(conversationId), after, options.Value.MaxActivitiesPerPoll, http.RequestAborted);
        }
        catch (StorageUnavailableException)
        {
            return Problems.Unavailable(http, "Storage is unavailable; poll again.");
        }

        // The log holds each activity's JSON as written: splice it into the response as is.
        var json = new StringBuilder(256 + activities.Sum(a => a.ActivityJson.Length + 1));
        json.Append("{\"activities\":[");
        for (var i = 0; i < activities.Count; i++)
        {
            if (i > 0) json.Append(',');
            json.Append(activities[i].ActivityJson);
        }
        var next = activities.Count > 0 ? activities[^1].Seq : after;
        json.Append("],\"watermark\":\"").Append(next.ToString(CultureInfo.InvariantCulture)).Append("\"}");
        return TypedResults.Text(json.ToString(), "application/json", Encoding.UTF8);
    }

    /// <summary>The secret (any conversation) or a token for exactly <paramref name="conversationId"/>.</summary>
    private static async Task<(DirectLineGrant? Grant, IResult? Problem)> AuthorizeAsync(HttpContext http, DirectLineTokens tokens, string conversationId)
    {
        if (IsSecret(http, http.RequestServices.GetRequiredService<IOptions<DirectLineOptions>>().Value)) return (null, null);
        return await AuthorizeTokenAsync(http, tokens, conversationId);
    }

    private static async Task<(DirectLineGrant? Grant, IResult? Problem)> AuthorizeTokenAsync(HttpContext http, DirectLineTokens tokens, string? conversationId)
    {
        var bearer = BearerValue(http);
        if (bearer is null) return (null, Problems.Unauthorized("A Direct Line token or secret is required (Authorization: Bearer)."));
        var grant = await tokens.ValidateAsync(bearer, http.RequestAborted);
        if (grant is null) return (null, Problems.Forbidden("The token is not valid or has expired."));
        if (conversationId is not null && !string.Equals(grant.ConversationId, conversationId, StringComparison.Ordinal))
        {
            return (null, Problems.Forbidden("The token is for another conversation."));
        }
        return (grant, null);
    }

    private static bool IsSecret(HttpContext http, DirectLineOptions options)
    {
        if (string.IsNullOrEmpty(options.Secret) || BearerValue(http) is not { } bearer) return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(bearer), Encoding.UTF8.GetBytes(options.Secret));
    }

    private static string? BearerValue(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > 7 ? header[7..].Trim() : null;
    }

    private static string NewId() => Base64UrlId(16);

    private static string Base64UrlId(int bytes) => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(bytes));

    private static string? Truncate(string? value, int max = MaxNameLength) =>
        value is null ? null : value.Length <= max ? value : value[..max];
}
