using MigrantHelpBot.Directory.Matching;
using MigrantHelpBot.Directory.Organizations;
using static MigrantHelpBot.Directory.Tests.Samples;

namespace MigrantHelpBot.Directory.Tests;

/// <summary>What must always hold for any request, and the scoring order on organisations made to measure.</summary>
public class MatcherTests
{
    private static IEnumerable<MatchRequest> EveryRequest()
    {
        foreach (var language in Vocabulary.Languages)
        foreach (var prefecture in new string?[] { null, "Tokyo", "Hiroshima", "Ehime", "Gunma", "Kanagawa", "Okinawa", "Saitama" })
        foreach (var category in Vocabulary.Categories.Append(null))
        foreach (var emergency in new[] { false, true })
            yield return new MatchRequest { Language = language, Prefecture = prefecture, Category = category, Emergency = emergency };
    }

    [Fact]
    public void No_match_ever_serves_neither_the_language_nor_through_an_interpreter()
    {
        foreach (var now in new[] { TuesdayAfternoon, SundayNight })
        foreach (var request in EveryRequest())
        {
            var result = MatcherAt(now).Match(Sample, request);
            foreach (var match in result.Matches.Where(m => m.Reasons.All(r => r.Code != "fallback_emergency")))
            {
                var organization = Sample.Single(o => o.Id == match.OrganizationId);
                Assert.True(Matcher.Serves(organization, request.Language!), $"{match.OrganizationId} does not serve {request.Language} ({request})");
            }
        }
    }

    [Fact]
    public void An_emergency_goes_only_to_organisations_open_now_or_around_the_clock()
    {
        var directory = Sample.Append(Org("day-union", ["vi"], emergency: true)).Append(Org("night-line", ["vi"], emergency: true, open24h: true)).ToList();
        foreach (var now in new[] { TuesdayAfternoon, SundayNight })
        foreach (var request in EveryRequest().Where(r => r.Emergency))
        {
            var result = MatcherAt(now).Match(directory, request);
            foreach (var match in result.Matches)
            {
                var organization = directory.Single(o => o.Id == match.OrganizationId);
                if (!result.Fallback) Assert.True(organization.EmergencyCapable && Matcher.IsOpen(organization, now), $"{organization.Id} is closed at {now} ({request})");
            }
        }
        var night = MatcherAt(SundayNight).Match(directory, new MatchRequest { Language = "vi", Emergency = true, Prefecture = "Tokyo" });
        Assert.Equal("night-line", night.Matches[0].OrganizationId);
        Assert.DoesNotContain(night.Matches, m => m.OrganizationId == "day-union");
        var day = MatcherAt(TuesdayAfternoon).Match(directory, new MatchRequest { Language = "vi", Emergency = true, Prefecture = "Tokyo" });
        Assert.Contains(day.Matches, m => m.OrganizationId == "day-union");
    }

    [Fact]
    public void A_full_organisation_is_skipped()
    {
        var directory = new[] { Org("full", ["vi"], prefectures: ["Tokyo"], capacity: 3, load: 3), Org("roomy", ["vi"], capacity: 3, load: 1) };
        var result = MatcherAt(TuesdayAfternoon).Match(directory, new MatchRequest { Language = "vi", Prefecture = "Tokyo", Category = "unpaid_wages" });
        Assert.Equal(["roomy"], result.Matches.Select(m => m.OrganizationId));
        Assert.Contains(result.Matches[0].Reasons, r => r.Code == "room" && r.En.Contains("1 of 3"));
    }

    [Fact]
    public void An_organisation_not_accepting_cases_or_without_an_intake_is_not_a_match()
    {
        var directory = new[] { Org("closed", ["vi"]) with { AcceptingCases = false }, Org("hotline", ["vi"], console: false, kind: "public_hotline") };
        var result = MatcherAt(TuesdayAfternoon).Match(directory, new MatchRequest { Language = "vi", Prefecture = "Tokyo" });
        Assert.True(result.Fallback);
        Assert.Equal(["hotline"], result.Matches.Select(m => m.OrganizationId));
        Assert.Contains(result.Matches[0].Reasons, r => r.Code == "public_contact");
    }

    [Fact]
    public void The_same_request_always_gets_the_same_order_whatever_the_directory_order()
    {
        var shuffled = Sample.Reverse().ToList();
        var random = new Random(7);
        var mixed = Sample.OrderBy(_ => random.Next()).ToList();
        foreach (var request in EveryRequest())
        {
            var first = Ids(MatcherAt(TuesdayAfternoon).Match(Sample, request));
            Assert.Equal(first, Ids(MatcherAt(TuesdayAfternoon).Match(Sample, request)));
            Assert.Equal(first, Ids(MatcherAt(TuesdayAfternoon).Match(shuffled, request)));
            Assert.Equal(first, Ids(MatcherAt(TuesdayAfternoon).Match(mixed, request)));
        }
        static string Ids(MatchResult result) => string.Join(",", result.Matches.Select(m => m.OrganizationId));
    }

    [Fact]
    public void Equal_scores_are_ordered_by_load_then_by_id()
    {
        var directory = new[] { Org("b", ["vi"], capacity: 10, load: 5), Org("a", ["vi"], capacity: 10, load: 5), Org("c", ["vi"], capacity: 20, load: 10) };
        var result = MatcherAt(TuesdayAfternoon).Match(directory, new MatchRequest { Language = "vi", Prefecture = "Tokyo" });
        Assert.Equal(["a", "b", "c"], result.Matches.Select(m => m.OrganizationId));
    }

    [Fact]
    public void Native_language_beats_an_interpreter_and_local_beats_nationwide()
    {
        var directory = new[]
        {
            Org("interpreted-local", ["ja"], interpreter: ["vi"], prefectures: ["Gunma"]),
            Org("native-nationwide", ["vi"]),
            Org("native-local", ["vi"], prefectures: ["Gunma"]),
            Org("interpreted-nationwide", ["ja"], interpreter: ["vi"]),
        };
        var result = MatcherAt(TuesdayAfternoon).Match(directory, new MatchRequest { Language = "vi", Prefecture = "10" });
        Assert.Equal(["native-local", "native-nationwide", "interpreted-local", "interpreted-nationwide"], result.Matches.Select(m => m.OrganizationId));
        var reasons = result.Matches[0].Reasons.Select(r => r.Code).ToList();
        Assert.Contains("language_native", reasons);
        Assert.Contains("prefecture_local", reasons);
        Assert.Contains(result.Matches[0].Reasons, r => r.Ja.Contains("群馬県") && r.En.Contains("Gunma"));
    }

    [Fact]
    public void Specialty_and_nationality_focus_raise_the_score_with_reasons()
    {
        var directory = new[] { Org("general", ["tl"]), Org("specialist", ["tl"], specialties: ["forced_return"], nationalities: ["PH"]) };
        var result = MatcherAt(TuesdayAfternoon).Match(directory, new MatchRequest { Language = "tl", Category = "forced_return", Prefecture = "Aichi" });
        Assert.Equal("specialist", result.Matches[0].OrganizationId);
        Assert.Contains(result.Matches[0].Reasons, r => r.Code == "specialty" && r.Ja.Contains("強制帰国"));
        Assert.Contains(result.Matches[0].Reasons, r => r.Code == "nationality" && r.En.Contains("Philippines"));
    }

    [Fact]
    public void A_category_or_residence_status_it_does_not_take_excludes_it()
    {
        var directory = new[] { Org("wages-only", ["vi"], categories: ["unpaid_wages"]), Org("trainees-only", ["vi"], statuses: ["titp_1", "titp_2", "titp_3"]) };
        var pregnancy = MatcherAt(TuesdayAfternoon).Match(directory, new MatchRequest { Language = "vi", Category = "pregnancy", Prefecture = "Tokyo" });
        Assert.Equal(["trainees-only"], pregnancy.Matches.Select(m => m.OrganizationId));
        var skilled = MatcherAt(TuesdayAfternoon).Match(directory, new MatchRequest { Language = "vi", Category = "unpaid_wages", ResidenceStatus = "ssw_1", Prefecture = "Tokyo" });
        Assert.Equal(["wages-only"], skilled.Matches.Select(m => m.OrganizationId));
        var unsaid = MatcherAt(TuesdayAfternoon).Match(directory, new MatchRequest { Language = "vi", Category = "unpaid_wages", ResidenceStatus = "prefer_not", Prefecture = "Tokyo" });
        Assert.Equal(2, unsaid.Matches.Count);
    }

    [Fact]
    public void Without_a_prefecture_only_nationwide_organisations_match_and_the_reason_says_so()
    {
        var directory = new[] { Org("local", ["vi"], prefectures: ["Tokyo"]), Org("nationwide", ["vi"]) };
        var result = MatcherAt(TuesdayAfternoon).Match(directory, new MatchRequest { Language = "vi" });
        Assert.Equal(["nationwide"], result.Matches.Select(m => m.OrganizationId));
        Assert.Contains(result.Notes, r => r.Code == "prefecture_unknown");
    }

    [Fact]
    public void When_nothing_fits_the_fallback_is_nationwide_services_and_public_lines_in_the_language()
    {
        var result = MatcherAt(TuesdayAfternoon).Match(Sample, new MatchRequest { Language = "km", Prefecture = "Gunma", Category = "runaway_risk" });
        Assert.True(result.Fallback);
        Assert.NotEmpty(result.Matches);
        Assert.All(result.Matches, m => Assert.Contains(m.Reasons, r => r.Code == "fallback"));
        Assert.Contains(result.Matches, m => m.OrganizationId == "otit-mother-tongue-km");
        Assert.DoesNotContain(result.Matches, m => m.OrganizationId == "police-110");
    }

    [Fact]
    public void An_emergency_fallback_puts_the_emergency_numbers_first()
    {
        var result = MatcherAt(SundayNight).Match(Sample, new MatchRequest { Language = "km", Prefecture = "Tokyo", Category = "pregnancy", Emergency = true });
        Assert.True(result.Fallback);
        Assert.Equal(["ambulance-fire-119", "police-110"], result.Matches.Take(2).Select(m => m.OrganizationId));
        Assert.Contains(result.Matches[0].Reasons, r => r.Code == "fallback_emergency");
        Assert.Equal("119", result.Matches[0].Contact?.Phone);
    }

    [Theory]
    [InlineData("mon", "22:00", "06:00", "2026-11-16T23:30:00+09:00", true)]
    [InlineData("mon", "22:00", "06:00", "2026-11-17T05:59:00+09:00", true)]
    [InlineData("mon", "22:00", "06:00", "2026-11-17T06:00:00+09:00", false)]
    [InlineData("mon", "22:00", "06:00", "2026-11-16T05:00:00+09:00", false)]
    [InlineData("sat", "09:00", "21:00", "2026-11-21T20:59:00+09:00", true)]
    [InlineData("sat", "09:00", "21:00", "2026-11-21T12:00:00Z", false)]
    [InlineData("sat", "09:00", "24:00", "2026-11-21T23:59:00+09:00", true)]
    public void Opening_hours_are_read_in_Tokyo_time_and_may_run_past_midnight(string day, string open, string close, string at, bool expected)
    {
        var organization = Org("x", ["vi"], hours: [new OpeningHours { Days = [day], Open = open, Close = close }]);
        var tokyo = TimeZoneInfo.ConvertTime(DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromHours(9) is var offset ? TimeZoneInfo.CreateCustomTimeZone("JST", offset, "JST", "JST") : null!);
        Assert.Equal(expected, Matcher.IsOpen(organization, tokyo));
    }
}
