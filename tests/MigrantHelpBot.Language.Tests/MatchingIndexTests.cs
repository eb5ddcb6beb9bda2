using MigrantHelpBot.Language.Lexicons;
using MigrantHelpBot.Language.Text;

namespace MigrantHelpBot.Language.Tests;

/// <summary>
/// The one-scan matcher (Aho–Corasick needle sets) and the rule index built on it must find exactly
/// what checking every term and every rule one by one finds.
/// </summary>
public class MatchingIndexTests
{
    [Fact]
    public void A_needle_set_finds_overlapping_and_nested_needles()
    {
        var set = new NeedleSet();
        var ids = new[] { "he", "she", "his", "hers", " luong ", "luong", "ng" }.Select(set.Add).ToArray();
        Assert.Equal(ids[0], set.Add("he")); // the same needle twice has one id
        set.Build();

        var found = set.Scan("ushers  luong ");

        Assert.True(found[ids[0]]);  // he (inside "she", via the failure link)
        Assert.True(found[ids[1]]);  // she
        Assert.False(found[ids[2]]); // his
        Assert.True(found[ids[3]]);  // hers
        Assert.True(found[ids[4]]);  // " luong "
        Assert.True(found[ids[5]]);  // luong (a suffix of " luong" through the output links)
        Assert.True(found[ids[6]]);  // ng
        Assert.All(set.Scan(string.Empty), Assert.False);
    }

    [Fact]
    public void A_needle_set_must_be_built_before_it_scans_and_is_frozen_after()
    {
        var set = new NeedleSet();
        set.Add("abc");
        Assert.Throws<InvalidOperationException>(() => set.Scan("abc"));
        set.Build();
        Assert.Throws<InvalidOperationException>(() => set.Add("d"));
    }

    public static TheoryData<string> Languages => ["vi", "tl", "km", "my"];

    [Theory]
    [MemberData(nameof(Languages))]
    public void Candidate_rules_fire_exactly_as_checking_every_rule_does(string language)
    {
        var lexicons = LexiconLoader.LoadDirectory(Classifiers.LexiconDirectory);
        var messages = LabelledCorpus.Load("dev", language).Select(m => m.Text)
            .Append("hello").Append(string.Empty).Append("ok po salamat").Append("ရိုက်နေတယ် hit me now");
        var checkedMessages = 0;
        foreach (var text in messages)
        {
            var clean = TextNormalizer.Clean(text);
            foreach (var lexicon in lexicons.Values)
            {
                var prepared = PreparedText.For(clean, lexicon.Mode);
                var unindexed = PreparedText.For(clean, lexicon.Mode);
                var everyRule = Enumerable.Range(0, lexicon.Rules.Count).Where(i => Fires(unindexed, lexicon.Rules[i].Rule)).ToList();
                var candidates = lexicon.CandidateRules(prepared);
                Assert.Equal(candidates.Order(), candidates); // ascending: signals keep the file's order
                var indexed = candidates.Where(i => Fires(prepared, lexicon.Rules[i].Rule)).ToList();
                Assert.True(everyRule.SequenceEqual(indexed), $"{lexicon.Language} on \"{text}\": every rule fires [{string.Join(", ", everyRule)}], the index [{string.Join(", ", indexed)}]");
            }
            checkedMessages++;
        }
        Assert.True(checkedMessages > 40);
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public void One_scan_finds_each_term_exactly_where_a_plain_search_does(string language)
    {
        var lexicons = LexiconLoader.LoadDirectory(Classifiers.LexiconDirectory);
        foreach (var message in LabelledCorpus.Load("dev", language).Take(120))
        {
            var clean = TextNormalizer.Clean(message.Text);
            foreach (var lexicon in lexicons.Values)
            {
                var prepared = PreparedText.For(clean, lexicon.Mode);
                var terms = lexicon.Rules.SelectMany(r => r.Rule.Any.Concat(r.Rule.All.SelectMany(g => g)).Concat(r.Rule.None))
                    .Concat(lexicon.Detect).Concat(lexicon.Greetings).Concat(lexicon.Problem);
                foreach (var term in terms)
                {
                    var plain = term.Pattern is { } pattern ? pattern.IsMatch(prepared.Text) : prepared.Text.Contains(term.Needle!, StringComparison.Ordinal);
                    Assert.True(plain == prepared.Contains(term), $"{lexicon.Language} term '{term.Text}' on \"{message.Text}\": search says {plain}");
                }
            }
        }
    }

    private static bool Fires(PreparedText text, TermRule rule) => text.Evaluate(rule).Fired;
}
