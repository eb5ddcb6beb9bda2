using MigrantHelpBot.Directory.Matching;
using MigrantHelpBot.Directory.Organizations;
using static MigrantHelpBot.Directory.Tests.Samples;

namespace MigrantHelpBot.Directory.Tests;

/// <summary>
/// The domain brief's scenarios that involve routing (§6, T01–T20), on the shipped sample directory,
/// on a Tuesday afternoon. T15 (information only), T19 (an existing case) are not routing requests.
/// Where the brief names an organisation the sample can serve, it must be among the matches; where the
/// sample has no fitting organisation (Khmer; emergencies, as no partner is on call), the answer is an
/// honest fallback.
/// </summary>
public class ScenarioTests
{
    public static TheoryData<string, string, string, string, string?, bool, string> Expected => new()
    {
        // id, language, prefecture, category, residence status, emergency, an organisation that must be among the matches
        { "T02", "vi", "Tokyo", "runaway_risk", "none", false, "zentoitsu-workers-union" },
        { "T03", "vi", "Toyama", "violence_harassment", "titp_2", false, "zentoitsu-workers-union" },
        { "T04", "vi", "Kanagawa", "unpaid_wages", "titp_2", false, "zentoitsu-workers-union" },
        { "T05", "vi", "Fukushima", "injury_illness", "titp_2", false, "zentoitsu-workers-union" },
        { "T09", "tl", "Yamaguchi", "dismissal_contract", "titp_2", false, "scrum-union-hiroshima" },
        { "T09", "tl", "Yamaguchi", "dismissal_contract", "titp_2", false, "hiroshima-filipino-trainee-support-group" },
        { "T10", "tl", "Hiroshima", "forced_return", "titp_1", false, "hiroshima-filipino-trainee-support-group" },
        { "T10", "tl", "Hiroshima", "forced_return", "titp_1", false, "scrum-union-hiroshima" },
        { "T11", "en", "Tokyo", "unpaid_wages", "other", false, "zentoitsu-workers-union" },
        { "T12", "tl", "Kochi", "excessive_hours", "titp_2", false, "scrum-union-hiroshima" },
        { "T13", "my", "Aichi", "dismissal_contract", "titp_2", false, "fwubc" },
        { "T14", "my", "Saitama", "unpaid_wages", null, false, "fwubc" },
    };

    [Theory, MemberData(nameof(Expected))]
    public void The_organisation_the_brief_names_is_among_the_matches(string scenario, string language, string prefecture, string category, string? status, bool emergency, string organization)
    {
        var result = MatcherAt(TuesdayAfternoon).Match(Sample, new MatchRequest { Language = language, Prefecture = prefecture, Category = category, ResidenceStatus = status, Emergency = emergency });
        Assert.False(result.Fallback, scenario);
        Assert.Contains(result.Matches, m => m.OrganizationId == organization);
        Assert.All(result.Matches, m => Assert.True(m.ReceivesCases && m.Reasons.Count > 0, scenario));
    }

    [Theory]
    [InlineData("T01", "Ehime", "unpaid_wages")]
    [InlineData("T06", "Okayama", "pregnancy")]
    [InlineData("T17", "Okayama", "dismissal_contract")]
    [InlineData("T18", "Aichi", "violence_harassment")]
    [InlineData("T20", "Hiroshima", "runaway_risk")]
    public void A_Vietnamese_worker_anywhere_reaches_an_organisation_that_serves_Vietnamese(string scenario, string prefecture, string category)
    {
        // The sample's local unions in western Japan work in Japanese and Tagalog: a Vietnamese worker goes to nationwide Vietnamese-serving organisations.
        var result = MatcherAt(TuesdayAfternoon).Match(Sample, new MatchRequest { Language = "vi", Prefecture = prefecture, Category = category });
        Assert.False(result.Fallback, scenario);
        Assert.All(result.Matches, m => Assert.True(Matcher.Serves(Sample.Single(o => o.Id == m.OrganizationId), "vi"), scenario));
        Assert.Contains(result.Matches[0].Reasons, r => r.Code == "language_native");
    }

    [Fact]
    public void T12_an_overloaded_Scrum_is_not_silently_offered()
    {
        var full = Sample.Select(o => o.Id == "scrum-union-hiroshima" ? o with { Load = o.Capacity!.Value } : o).ToList();
        var result = MatcherAt(TuesdayAfternoon).Match(full, new MatchRequest { Language = "tl", Prefecture = "Kochi", Category = "excessive_hours" });
        Assert.DoesNotContain(result.Matches, m => m.OrganizationId == "scrum-union-hiroshima");
    }

    [Theory]
    [InlineData("T07", "Tokyo", "pregnancy", true)]
    [InlineData("T16", "Gunma", "runaway_risk", false)]
    public void A_Khmer_case_falls_back_honestly_to_lines_in_Khmer(string scenario, string prefecture, string category, bool emergency)
    {
        var result = MatcherAt(TuesdayAfternoon).Match(Sample, new MatchRequest { Language = "km", Prefecture = prefecture, Category = category, Emergency = emergency });
        Assert.True(result.Fallback, scenario);
        Assert.Contains(result.Matches, m => m.OrganizationId == "otit-mother-tongue-km");
        if (emergency) Assert.Equal(["ambulance-fire-119", "police-110"], result.Matches.Take(2).Select(m => m.OrganizationId));
    }

    [Fact]
    public void T08_being_driven_to_the_airport_now_gets_the_emergency_numbers_when_no_partner_is_on_call()
    {
        var result = MatcherAt(SundayNight).Match(Sample, new MatchRequest { Language = "vi", Prefecture = "Gifu", Category = "forced_return", Emergency = true });
        Assert.True(result.Fallback);
        Assert.Equal(["ambulance-fire-119", "police-110"], result.Matches.Take(2).Select(m => m.OrganizationId));
        Assert.All(result.Matches.Skip(2), m => Assert.True(Matcher.Serves(Sample.Single(o => o.Id == m.OrganizationId), "vi")));
    }

    [Fact]
    public void A_broken_directory_file_names_the_entry_and_the_field_and_loads_nothing()
    {
        var yaml = """
            organizations:
              - id: good-union
                names: {ja: "良い組合", en: "Good union"}
                kind: union
                languages: {native: [vi]}
                prefectures: [Tokyo]
                categories: [unpaid_wages]
                source: test
                lastVerified: 2026-11-01
              - id: good-union
                names: {ja: "二つ目", en: "Second"}
                kind: union
                languages: {native: [vi]}
                nationwide: true
                categories: [unpaid_wages]
                source: test
                lastVerified: 2026-11-01
              - id: bad-union
                names: {ja: "悪い組合", en: "Bad union"}
                kind: club
                languages: {native: [vi]}
                prefectures: [Narnia]
                categories: [unpaid_wages]
                capacty: 3
                source: test
                lastVerified: 2026-11-01
            """;
        var problem = Assert.Throws<InvalidDataException>(() => DirectoryFile.Parse(new StringReader(yaml), "coalition.yaml", Prefectures));
        Assert.Contains("coalition.yaml: organizations[1] (good-union): id 'good-union' appears twice.", problem.Message);
        Assert.Contains("coalition.yaml: organizations[2] (bad-union)", problem.Message);
        Assert.Contains("capacty", problem.Message);
    }

    [Fact]
    public void A_directory_file_reads_prefectures_by_name_or_code_into_one_form()
    {
        var yaml = """
            organizations:
              - id: kanto-union
                names: {ja: "関東ユニオン", en: "Kanto union"}
                kind: union
                languages: {native: [vi]}
                prefectures: [tokyo, "13", "09", Gunma]
                categories: [unpaid_wages]
                capacity: 4
                source: test
                lastVerified: 2026-11-01
            """;
        var organization = Assert.Single(DirectoryFile.Parse(new StringReader(yaml), "kanto.yaml", Prefectures));
        Assert.Equal(["Tokyo", "Tochigi", "Gunma"], organization.Prefectures);
        Assert.Equal(4, organization.Capacity);
    }
}
