using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using MigrantHelpBot.Language.Myanmar;

namespace MigrantHelpBot.Language.Tests;

/// <summary>
/// Zawgyi detection and conversion on real Burmese sentences. The fixture's Zawgyi forms were made
/// with ICU's command-line tool (<c>uconv -x my-Zawgyi</c>), the reference conversion.
/// </summary>
public class ZawgyiTests
{
    public static TheoryData<string, string> Sentences()
    {
        var data = new TheoryData<string, string>();
        using var fixture = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "burmese-zawgyi.json")));
        foreach (var pair in fixture.RootElement.EnumerateArray()) data.Add(pair.GetProperty("unicode").GetString()!, pair.GetProperty("zawgyi").GetString()!);
        return data;
    }

    private static readonly MyanmarText Myanmar = new(NullLogger<MyanmarText>.Instance);

    [Fact]
    public void Icu_transliterators_are_available_on_this_machine() => Assert.True(Myanmar.CanConvert);

    [Theory, MemberData(nameof(Sentences))]
    public void Unicode_sentences_are_not_taken_for_zawgyi(string unicode, string zawgyi)
    {
        _ = zawgyi;
        Assert.True(ZawgyiDetector.Probability(unicode) < 0.5, $"{unicode}: {ZawgyiDetector.Probability(unicode):F2}");
        Assert.Equal((unicode, false), Myanmar.ToUnicode(unicode));
    }

    [Theory, MemberData(nameof(Sentences))]
    public void Zawgyi_sentences_are_detected_and_converted_as_icu_does(string unicode, string zawgyi)
    {
        if (zawgyi == unicode) return; // a sentence that is the same in both encodings
        Assert.True(ZawgyiDetector.IsZawgyi(zawgyi), $"{zawgyi}: {ZawgyiDetector.Probability(zawgyi):F2}");
        Assert.Equal((unicode, true), Myanmar.ToUnicode(zawgyi));
    }

    [Theory, MemberData(nameof(Sentences))]
    public void Unicode_to_zawgyi_and_back_is_lossless(string unicode, string zawgyi)
    {
        var converted = Myanmar.ToZawgyi(unicode);
        Assert.Equal(zawgyi, converted);
        Assert.Equal(unicode, Myanmar.ToUnicode(converted).Text);
    }

    [Theory]
    [InlineData("Hello, I was not paid")]
    [InlineData("Tôi chưa được trả lương")]
    [InlineData("ខ្ញុំមិនទាន់បានប្រាក់ខែ")]
    [InlineData("")]
    public void Text_without_burmese_is_left_alone(string text)
    {
        Assert.Equal(0, ZawgyiDetector.Probability(text));
        Assert.Equal(text, Myanmar.ToZawgyi(text));
    }
    [Theory]
    [InlineData("ဟုတ်ကဲ့")]
    [InlineData("မဟုတ်ပါဘူး")]
    [InlineData("ဟင့်အင်း")]
    public void A_short_zawgyi_button_too_ambiguous_to_detect_is_read_as_zawgyi_for_a_known_zawgyi_writer(string unicode)
    {
        var zawgyi = Myanmar.ToZawgyi(unicode);
        Assert.NotEqual(unicode, zawgyi);
        Assert.True(Myanmar.ReadsAsZawgyi(zawgyi, out var read));
        Assert.Equal(unicode, read);
        // Unicode that shows it is Unicode (they switched fonts) and text without Burmese stay as they are.
        const string Plainly = "ကျွန်မ အခု ဘယ်မှာ နေရမလဲ";
        Assert.True(ZawgyiDetector.Evidence(Plainly).Unicode > 0);
        Assert.False(Myanmar.ReadsAsZawgyi(Plainly, out var same));
        Assert.Equal(Plainly, same);
        Assert.False(Myanmar.ReadsAsZawgyi("ok 123", out _));
    }
}
