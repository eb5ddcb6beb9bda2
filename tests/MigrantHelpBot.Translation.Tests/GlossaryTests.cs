using MigrantHelpBot.Language.Myanmar;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Translation.Tests;

/// <summary>Key terms (技能実習, 監理団体, 特定技能, 在留カード, organisation names) come out the same every time.</summary>
public sealed class GlossaryTests : IAsyncLifetime
{
    private static readonly string[] Languages = ["ja", "en", "vi", "tl", "km", "my"];
    private static readonly Glossary File = Glossary.Load(Path.Combine(RepositoryPaths.Locales, "data", "glossary.yaml"));
    private FakeTranslator _fake = null!;

    public async ValueTask InitializeAsync() => _fake = await FakeTranslator.StartAsync();

    public async ValueTask DisposeAsync() => await _fake.DisposeAsync();

    private sealed class Organizations : IGlossaryTerms
    {
        public int Reads { get; private set; }

        public Task<IReadOnlyList<GlossaryTerm>> TermsAsync(CancellationToken cancellationToken)
        {
            Reads++;
            return Task.FromResult<IReadOnlyList<GlossaryTerm>>([Glossary.Term("org:posse", new Dictionary<string, string> { ["ja"] = "POSSE労働組合", ["en"] = "POSSE Labour Union" }, ["POSSE労働組合", "POSSE Labour Union"])]);
        }
    }

    [Fact]
    public void The_glossary_file_names_every_key_term_in_every_language_and_Burmese_in_Unicode()
    {
        var ids = File.Terms.Select(t => t.Id).ToList();
        Assert.Equal(["titp_trainee", "titp", "supervising_org", "ssw", "residence_card"], ids);
        var japanese = File.Terms.Select(t => t.Say["ja"]).ToList();
        Assert.Equal(["技能実習生", "技能実習", "監理団体", "特定技能", "在留カード"], japanese);
        foreach (var term in File.Terms)
        {
            foreach (var language in Languages) Assert.False(string.IsNullOrWhiteSpace(term.Say.GetValueOrDefault(language)), $"{term.Id}: no {language}");
            Assert.False(ZawgyiDetector.IsZawgyi(term.Say["my"]), term.Id);
        }
        var raw = System.IO.File.ReadAllText(Path.Combine(RepositoryPaths.Locales, "data", "glossary.yaml"));
        Assert.Contains("source:", raw);
        Assert.Contains("last_verified:", raw);
    }

    [Fact]
    public void Terms_are_found_longest_first_as_whole_words_in_spaced_scripts_and_anywhere_in_Japanese_Khmer_and_Burmese()
    {
        var found = GlossaryMarkup.Find("技能実習生として技能実習に来ました", File);
        Assert.Equal(["titp_trainee", "titp"], found.Select(f => f.Term.Id));
        Assert.Equal((0, 5), (found[0].Start, found[0].Length));

        Assert.Empty(GlossaryMarkup.Find("TTSX và SSWs", File)); // not inside other words
        Assert.Equal(["titp_trainee", "supervising_org"], GlossaryMarkup.Find("Tôi là Thực Tập Sinh, NGHIỆP ĐOÀN giữ hộ chiếu", File).Select(f => f.Term.Id));
        Assert.Equal(["residence_card"], GlossaryMarkup.Find("ក្រុមហ៊ុនយកកាតស្នាក់នៅរបស់ខ្ញុំ", File).Select(f => f.Term.Id));
        Assert.Equal(["residence_card"], GlossaryMarkup.Find("ကုမ္ပဏီက နေထိုင်ခွင့်ကတ်ကို သိမ်းထားတယ်", File).Select(f => f.Term.Id));
        // Vietnamese typed with combining marks is the same word.
        Assert.Equal(["residence_card"], GlossaryMarkup.Protect("the\u0309 ngoa\u0323i kie\u0302\u0300u", File).Terms.Select(f => f.Term.Id));
        Assert.Equal(["titp_trainee", "supervising_org"], GlossaryMarkup.Find("POSSE労働組合の技能実習生です。監理団体", File).Select(f => f.Term.Id));
    }

    [Fact]
    public void Marked_text_escapes_markup_keeps_line_breaks_and_comes_back_with_each_term_in_the_target_language()
    {
        var marked = GlossaryMarkup.Protect("<b>監理団体</b> & 会社\n在留カードを返して", File);
        Assert.True(marked.Html);
        Assert.Equal("&lt;b&gt;<span class=\"notranslate\" id=\"g0\">監理団体</span>&lt;/b&gt; &amp; 会社<br/><span class=\"notranslate\" id=\"g1\">在留カード</span>を返して", marked.Text);

        // The translator may move the spans, requote them and write line breaks its own way.
        var translated = "&lt;b&gt;<span id='g0' class='notranslate'>監理団体</span>&lt;/b&gt; &amp; company<br>Give back the <SPAN class=\"notranslate\" id=\"g1\">在留カード</SPAN>";
        Assert.Equal("<b>nghiệp đoàn (監理団体)</b> & company\nGive back the thẻ ngoại kiều (在留カード)", GlossaryMarkup.Restore(translated, marked, "vi"));
        Assert.Equal("<b>supervising organisation (kanri dantai)</b> & company\nGive back the residence card (zairyu card)", GlossaryMarkup.Restore(translated, marked, "en"));

        var plain = GlossaryMarkup.Protect("Lương của tôi <3 & không có gì", File);
        Assert.False(plain.Html);
        Assert.Equal("Lương của tôi <3 & không có gì", plain.Text);
    }

    [Fact]
    public async Task Through_the_service_a_Khmer_worker_and_a_Japanese_staff_member_get_the_same_terms_every_time()
    {
        var organizations = new Organizations();
        var translator = TranslatorClientTests.Translator(TranslatorClientTests.Options(_fake), File, organizations);

        var worker = await translator.TranslateAsync(["ក្រុមហ៊ុនយកកាតស្នាក់នៅរបស់ខ្ញុំ", "អង្គការគ្រប់គ្រងមិនជួយទេ"], ["ja", "en"], CancellationToken.None);
        Assert.Equal("km", worker[0].DetectedLanguage);
        Assert.Contains("在留カード", worker[0].Texts["ja"]);
        Assert.DoesNotContain("កាតស្នាក់នៅ", worker[0].Texts["ja"]);
        Assert.Contains("residence card (zairyu card)", worker[0].Texts["en"]);
        Assert.StartsWith("監理団体", worker[1].Texts["ja"]);
        var sent = _fake.Calls.Single();
        Assert.Equal(["html"], sent.Query("textType"));
        Assert.Contains("<span class=\"notranslate\" id=\"g0\">កាតស្នាក់នៅ</span>", sent.Texts[0]);

        var staff = "POSSE労働組合です。監理団体に連絡する前に、技能実習生の在留カードと特定技能の書類を確認します。";
        var first = await translator.TranslateAsync([staff], ["km"], CancellationToken.None);
        var second = await translator.TranslateAsync([staff + " "], ["km"], CancellationToken.None); // not cached: asked again
        foreach (var text in new[] { first[0].Texts["km"], second[0].Texts["km"] })
        {
            Assert.Contains("POSSE Labour Union", text);
            Assert.Contains("អង្គការគ្រប់គ្រង (kumiai)", text);
            Assert.Contains("កម្មសិក្សាការី (ginou jisshuusei)", text);
            Assert.Contains("កាតស្នាក់នៅ (zairyu card)", text);
            Assert.Contains("ជំនាញជាក់លាក់ (Tokutei Ginou)", text);
            Assert.DoesNotContain("在留", text);
        }
        Assert.Equal(3, _fake.Calls.Count);
        Assert.Equal(1, organizations.Reads); // the directory's names are read once a minute, not per message
    }

    [Fact]
    public async Task A_directory_that_cannot_be_read_leaves_the_file_glossary_working()
    {
        var provider = new GlossaryProvider(File, [new Failing()], TimeProvider.System);
        var glossary = await provider.CurrentAsync(CancellationToken.None);
        Assert.Same(File, glossary);
    }

    private sealed class Failing : IGlossaryTerms
    {
        public Task<IReadOnlyList<GlossaryTerm>> TermsAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("directory down");
    }
}
