using System.Text.Json;
using MigrantHelpBot.Data;
using MigrantHelpBot.Dialogs.Data;
using MigrantHelpBot.Dialogs.Engine;
using MigrantHelpBot.Directory.Client;
using MigrantHelpBot.Directory.Matching;
using MigrantHelpBot.Directory.Organizations;
using MigrantHelpBot.Handoff.Cases;

namespace MigrantHelpBot.Host.Routing;

/// <summary>
/// Routes what the dialogs hand over: each confirmed case intake and each request for a person is
/// matched in the directory (in-process, the standalone service, or its snapshot while it is down)
/// and the result is committed as a <c>case.routed</c> event for the handoff to offer. An event is
/// marked handled only together with its result, so nothing is lost if the directory cannot answer.
/// </summary>
internal sealed partial class CaseRouter(EventStore events, IDirectory directory, Prefectures prefectures, ILogger<CaseRouter> logger) : BackgroundService
{
    public const string RoutedKind = RoutedCase.Kind;

    /// <summary>An event whose payload cannot be read: set aside (and logged) so the cases after it are still routed.</summary>
    public const string UnroutableKind = "case.unroutable";
    private static readonly TimeSpan Idle = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var routed = 0;
            try
            {
                routed += await RouteAsync(CaseIntake.EventKind, stoppingToken);
                routed += await RouteAsync(HandoffRequest.EventKind, stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(exception);
            }
            if (routed > 0) continue;
            try
            {
                await Task.Delay(Idle, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<int> RouteAsync(string kind, CancellationToken cancellationToken)
    {
        var pending = await events.ReadUnhandledAsync(kind, 50, cancellationToken);
        foreach (var stored in pending)
        {
            MatchRequest request;
            try
            {
                request = RequestFor(stored, prefectures);
            }
            catch (JsonException exception)
            {
                LogUnreadable(exception, stored.Id);
                await events.ResolveAsync(stored.Id, UnroutableKind, stored.ConversationKey, stored.Payload, cancellationToken);
                continue;
            }
            MatchResult result;
            try
            {
                result = await directory.MatchAsync(request, cancellationToken);
            }
            catch (DirectoryUnavailableException exception)
            {
                LogUnavailable(exception.Message);
                return 0;
            }
            var routed = new RoutedCase(stored.Id, stored.Kind, request, result);
            await events.ResolveAsync(stored.Id, RoutedKind, stored.ConversationKey, routed.ToJson(), cancellationToken);
        }
        return pending.Count;
    }

    /// <summary>What the dialogs recorded, as a match request; values the directory does not know are left out rather than failing the case.</summary>
    internal static MatchRequest RequestFor(StoredEvent stored, Prefectures prefectures)
    {
        if (stored.Kind == CaseIntake.EventKind)
        {
            var intake = JsonSerializer.Deserialize<CaseIntake>(stored.Payload)!;
            intake.Answers.TryGetValue("residence_status", out var status);
            return Known(prefectures, new MatchRequest
            {
                Language = intake.Language,
                Prefecture = intake.Prefecture,
                Category = intake.Category,
                Emergency = intake.Emergency || intake.Urgency == "P0",
                ResidenceStatus = status,
            });
        }
        var handoff = JsonSerializer.Deserialize<HandoffRequest>(stored.Payload)!;
        handoff.Answers.TryGetValue("prefecture", out var prefecture);
        handoff.Answers.TryGetValue("category", out var category);
        handoff.Answers.TryGetValue("residence_status", out var residence);
        return Known(prefectures, new MatchRequest
        {
            Language = handoff.Language,
            Prefecture = prefecture,
            Category = category,
            Emergency = handoff.Urgency == "P0",
            ResidenceStatus = residence,
        });
    }

    private static MatchRequest Known(Prefectures prefectures, MatchRequest request) => request with
    {
        Language = Vocabulary.Languages.Contains(request.Language ?? "") ? request.Language : "en",
        Prefecture = prefectures.Lookup(request.Prefecture)?.English,
        Category = Vocabulary.Categories.Contains(request.Category ?? "") ? request.Category : null,
        ResidenceStatus = Vocabulary.ResidenceStatuses.Contains(request.ResidenceStatus ?? "") ? request.ResidenceStatus : null,
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Routing cases failed; will retry.")]
    private partial void LogFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Event {Id} cannot be read as a case; set aside as case.unroutable.")]
    private partial void LogUnreadable(Exception exception, long id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Routing waits: {Reason}")]
    private partial void LogUnavailable(string reason);
}
