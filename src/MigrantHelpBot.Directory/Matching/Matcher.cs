using MigrantHelpBot.Dialogs.Data;
using MigrantHelpBot.Directory.Organizations;

namespace MigrantHelpBot.Directory.Matching;

/// <summary>
/// Chooses where a case goes. Hard constraints first — the organisation serves the worker's language
/// (natively or through an interpreter), covers the prefecture or all of Japan, handles the problem,
/// can receive a case and has room, takes the worker's residence status, and, in an emergency, can act
/// and is open now or around the clock. Then a score: native language over interpreter, local over
/// nationwide, specialty, nationality focus, room left; ties broken by load, then id, so the same
/// request always gets the same order. When nothing passes: nationwide services with room and public
/// lines in the worker's language (and, in an emergency, the emergency numbers), marked as a fallback.
/// </summary>
public sealed class Matcher(RoutingTexts texts, Prefectures prefectures, TimeProvider clock)
{
    public const int MaxMatches = 5;

    private static readonly TimeZoneInfo Tokyo = FindTokyo();

    /// <summary>Matches a request already checked by <see cref="MatchRequestRules"/>.</summary>
    public MatchResult Match(IEnumerable<Organization> directory, MatchRequest request)
    {
        var now = TimeZoneInfo.ConvertTime(clock.GetUtcNow(), Tokyo);
        var language = request.Language!;
        var prefecture = prefectures.Lookup(request.Prefecture);
        var all = directory.ToList();
        IReadOnlyList<OrganizationMatch> Ranked(IEnumerable<Organization> candidates, bool fallback) => [.. candidates
            .Select(o => (Organization: o, Match: Scored(o, request, prefecture, now, fallback)))
            .OrderByDescending(x => x.Match.Score).ThenBy(x => LoadRatio(x.Organization)).ThenBy(x => x.Organization.Id, StringComparer.Ordinal)
            .Take(MaxMatches)
            .Select(x => x.Match)];

        var matches = Ranked(all.Where(o => o.ReceivesCases && o.HasRoom && Serves(o, language) && Covers(o, prefecture) && Handles(o, request.Category)
            && TakesStatus(o, request.ResidenceStatus) && (!request.Emergency || (o.EmergencyCapable && IsOpen(o, now)))), fallback: false);
        IReadOnlyList<Reason> notes = prefecture is null ? [texts.Reason("prefecture_unknown")] : [];
        if (matches.Count > 0) return new MatchResult { Matches = matches, Notes = notes };

        var emergencyLines = request.Emergency
            ? all.Where(o => o.Kind == "public_hotline" && o.EmergencyCapable && o.Open24h).OrderBy(o => o.Id, StringComparer.Ordinal).ToList()
            : [];
        var fallback = Ranked(all.Except(emergencyLines)
            .Where(o => o.HasRoom && Serves(o, language) && (o.Nationwide || o.Kind == "public_hotline" && Covers(o, prefecture))), fallback: true);
        return new MatchResult
        {
            Matches =
            [
                .. emergencyLines.Select(o => Scored(o, request, prefecture, now, fallback: true))
                    .Select(m => m with { Reasons = [texts.Reason("fallback_emergency"), .. m.Reasons] }),
                .. fallback,
            ],
            Fallback = true,
            Notes = notes,
        };
    }

    private OrganizationMatch Scored(Organization o, MatchRequest request, Prefecture? prefecture, DateTimeOffset now, bool fallback)
    {
        var language = request.Language!;
        var reasons = new List<Reason>();
        var score = 0;
        if (fallback) reasons.Add(texts.Reason("fallback"));
        if (o.Languages.Native.Contains(language)) { score += 40; reasons.Add(texts.Reason("language_native", language: language)); }
        else if (o.Languages.Interpreter.Contains(language)) { score += 15; reasons.Add(texts.Reason("language_interpreter", language: language)); }

        if (prefecture is not null && o.Prefectures.Contains(prefecture.English)) { score += 25; reasons.Add(texts.Reason("prefecture_local", prefecture: prefecture)); }
        else if (o.Nationwide) { score += 5; reasons.Add(texts.Reason("nationwide")); }

        if (request.Category is { } category && o.Categories.Contains(category))
        {
            reasons.Add(texts.Reason("category", category: category));
            if (o.Specialties.Contains(category)) { score += 15; reasons.Add(texts.Reason("specialty", category: category)); }
        }
        if (Vocabulary.NationalityOf(language) is { } country && o.NationalityFocus.Contains(country))
        {
            score += 10;
            reasons.Add(texts.Reason("nationality", country: country));
        }
        if (request.ResidenceStatus is { } status && o.ResidenceStatuses.Contains(status))
        {
            score += 5;
            reasons.Add(texts.Reason("residence_status", status: status));
        }

        if (o.Capacity is { } capacity)
        {
            if (capacity > 0 && o.Load < capacity)
            {
                score += (int)Math.Round(10.0 * (capacity - o.Load) / capacity, MidpointRounding.AwayFromZero);
                reasons.Add(texts.Reason("room", load: o.Load, capacity: capacity));
            }
        }
        else
        {
            score += 5;
            reasons.Add(texts.Reason("no_limit"));
        }

        if (o.Open24h) reasons.Add(texts.Reason("open_24h"));
        else if (IsOpen(o, now)) reasons.Add(texts.Reason("open_now"));
        if (request.Emergency && o.EmergencyCapable) reasons.Add(texts.Reason("emergency_capable"));
        reasons.Add(texts.Reason(o.ReceivesCases ? "receives_cases" : "public_contact"));
        if (o.Sample) reasons.Add(texts.Reason("sample"));

        return new OrganizationMatch
        {
            OrganizationId = o.Id,
            Name = o.Names.Ja,
            NameEn = o.Names.En,
            Kind = o.Kind,
            Score = score,
            Reasons = reasons,
            ReceivesCases = o.ReceivesCases,
            Contact = o.Contact,
            LastVerified = o.LastVerified,
        };
    }

    public static bool Serves(Organization o, string language) => o.Languages.Native.Contains(language) || o.Languages.Interpreter.Contains(language);

    private static bool Covers(Organization o, Prefecture? prefecture) => o.Nationwide || prefecture is not null && o.Prefectures.Contains(prefecture.English);

    private static bool Handles(Organization o, string? category) => category is null || o.Categories.Contains(category);

    private static bool TakesStatus(Organization o, string? status) =>
        status is null or "prefer_not" || o.ResidenceStatuses.Count == 0 || o.ResidenceStatuses.Contains(status);

    private static double LoadRatio(Organization o) => o.Capacity is > 0 and int capacity ? (double)o.Load / capacity : 0;

    /// <summary>Open at <paramref name="tokyoTime"/> (Asia/Tokyo): around the clock, or within one of its ranges (a range may run past midnight).</summary>
    public static bool IsOpen(Organization o, DateTimeOffset tokyoTime)
    {
        if (o.Open24h) return true;
        var minute = tokyoTime.Hour * 60 + tokyoTime.Minute;
        var today = Vocabulary.Days[((int)tokyoTime.DayOfWeek + 6) % 7];
        var yesterday = Vocabulary.Days[((int)tokyoTime.DayOfWeek + 5) % 7];
        foreach (var range in o.Hours)
        {
            var open = OrganizationRules.ParseTime(range.Open) ?? 0;
            var close = OrganizationRules.ParseTime(range.Close) ?? 0;
            if (close > open)
            {
                if (range.Days.Contains(today) && minute >= open && minute < close) return true;
            }
            else if (close < open)
            {
                // Past midnight: from the opening today to the end of the day, or from midnight to the close after yesterday's opening.
                if (range.Days.Contains(today) && minute >= open) return true;
                if (range.Days.Contains(yesterday) && minute < close) return true;
            }
        }
        return false;
    }

    /// <summary>Japan has no daylight saving: if the system has no time-zone data, UTC+9 is exact.</summary>
    private static TimeZoneInfo FindTokyo()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");
        }
        catch (Exception exception) when (exception is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return TimeZoneInfo.CreateCustomTimeZone("Asia/Tokyo", TimeSpan.FromHours(9), "Japan Standard Time", "JST");
        }
    }
}
