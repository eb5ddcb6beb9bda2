using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MigrantHelpBot.Handoff.Cases;
using MigrantHelpBot.Handoff.Relay;
using MigrantHelpBot.Translation;

namespace MigrantHelpBot.Handoff.Translations;

/// <summary>
/// Fills in machine translations of case texts, replies to the worker first, on every replica (each
/// translation is leased by one). When the translator fails or its circuit is open, translations wait
/// and are tried again with growing pauses (up to 10 minutes) until it answers; nothing waits on them
/// but a staff reply, and only briefly (see <see cref="HandoffOptions.TranslationHold"/>). A reply that
/// went out untranslated gets its translation sent after it.
/// </summary>
internal sealed partial class TranslationWorker(
    CaseTranslations translations,
    CaseStore store,
    MachineTranslator translator,
    HandoffSignal signal,
    IOptions<HandoffOptions> options,
    TimeProvider clock,
    ILogger<TranslationWorker> logger) : BackgroundService
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan MaxPause = TimeSpan.FromMinutes(10);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        translator.Configured // otherwise nothing is ever asked for
            ? WorkLoop.RunAsync(RunOnceAsync, ct => Task.Delay(translator.Available ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromSeconds(1), clock, ct), LogFailed, stoppingToken)
            : Task.CompletedTask;

    /// <summary>One pass: lease what is due, translate it in as few requests as the targets allow, store the results.</summary>
    internal async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        if (!translator.Available) return 0; // the circuit is open: wait for it, the work stays due
        var now = clock.GetUtcNow();
        var rows = await translations.LeaseDueAsync(50, now, Lease, cancellationToken);
        if (rows.Count == 0) return 0;

        var jobs = new List<Job>();
        foreach (var group in rows.GroupBy(r => (r.CaseId, r.Source)))
        {
            var text = await SourceTextAsync(group.Key.CaseId, group.Key.Source, cancellationToken);
            if (string.IsNullOrWhiteSpace(text))
            {
                foreach (var row in group) await translations.DropAsync(row, cancellationToken); // the text is gone
                continue;
            }
            jobs.Add(new Job(text, [.. group.OrderBy(r => r.Target, StringComparer.Ordinal)]));
        }

        foreach (var batch in jobs.GroupBy(j => string.Join(',', j.Rows.Select(r => r.Target))))
        {
            var targets = batch.First().Rows.Select(r => r.Target).ToList();
            IReadOnlyList<MachineTranslation> results;
            try
            {
                results = await translator.TranslateAsync([.. batch.Select(j => j.Text)], targets, cancellationToken);
            }
            catch (TranslatorException exception)
            {
                var permanent = exception is { Transient: false, Status: 400 };
                foreach (var row in batch.SelectMany(j => j.Rows))
                {
                    await translations.FailAsync(row, exception.Message, permanent, clock.GetUtcNow() + Pause(options.Value.TranslationRetryDelay, row.Attempts, exception.RetryAfter), clock.GetUtcNow(), cancellationToken);
                }
                LogNotTranslated(batch.Sum(j => j.Rows.Count), exception.Message);
                signal.Notify(); // a reply held for its translation can go now, untranslated
                continue;
            }
            var index = 0;
            foreach (var job in batch) await StoreAsync(job, results[index++], cancellationToken);
            signal.Notify();
        }
        return rows.Count;
    }

    /// <summary>One text's translations, and the follow-up for a reply that already went out untranslated, in one transaction.</summary>
    private async Task StoreAsync(Job job, MachineTranslation result, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var tx = await store.BeginAsync(cancellationToken);
        foreach (var row in job.Rows)
        {
            var completed = await tx.CompleteTranslationAsync(row, result.Texts[row.Target], result.DetectedLanguage, now, cancellationToken);
            if (completed is not { Late: true } || completed.SameLanguage || !TryEventId(row.Source, out var eventId)) continue;
            var original = await tx.EventAsync(eventId, cancellationToken);
            if (original is not { Kind: CaseEventKinds.StaffMessage } message) continue;
            var data = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["of"] = eventId.ToString(CultureInfo.InvariantCulture),
                ["name"] = message.Data.GetValueOrDefault("name") ?? string.Empty,
                ["organization"] = message.Data.GetValueOrDefault("organization") ?? string.Empty,
            };
            await tx.AddEventAsync(row.CaseId, now, CaseEventKinds.StaffMessageTranslation, Actor.System, completed.Text, data, deliver: true, cancellationToken);
        }
        await tx.CommitAsync(cancellationToken);
    }

    /// <summary>The text a translation is of: a timeline entry's, or a summary answer's if it is still the same.</summary>
    private async Task<string?> SourceTextAsync(string caseId, string source, CancellationToken cancellationToken)
    {
        if (TryEventId(source, out var eventId)) return (await store.EventAsync(eventId, cancellationToken))?.Text;
        var parts = source.Split(':', 3);
        if (parts is not ["answer", var field, _]) return null;
        var record = await store.GetAsync(caseId, cancellationToken);
        return record?.Data.Answers.TryGetValue(field, out var value) == true && CaseTranslations.AnswerSource(field, value) == source ? value : null;
    }

    private static bool TryEventId(string source, out long id)
    {
        id = 0;
        return source.StartsWith("event:", StringComparison.Ordinal) && long.TryParse(source.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out id);
    }

    /// <summary><paramref name="first"/> after the first failure, doubling to at most 10 minutes; never sooner than the service asked.</summary>
    internal static TimeSpan Pause(TimeSpan first, int attempts, TimeSpan? retryAfter)
    {
        var pause = first * Math.Pow(2, Math.Clamp(attempts - 1, 0, 16));
        if (pause > MaxPause) pause = MaxPause;
        return retryAfter is { } asked && asked > pause ? asked : pause;
    }

    private sealed record Job(string Text, List<CaseTranslation> Rows);

    [LoggerMessage(Level = LogLevel.Error, Message = "Translation work failed; will retry.")]
    private partial void LogFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} translations not done now ({Reason}); they wait and are tried again.")]
    private partial void LogNotTranslated(int count, string reason);
}
