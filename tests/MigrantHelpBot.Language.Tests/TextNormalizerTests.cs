using MigrantHelpBot.Language.Text;

namespace MigrantHelpBot.Language.Tests;

/// <summary>The forms text is matched in: the same word typed differently must come out the same.</summary>
public class TextNormalizerTests
{
    [Theory]
    [InlineData("ហេីយ", "ហើយ")]          // េ + ី for ើ
    [InlineData("ខ្ញំុ", "ខ្ញុំ")]          // ំ before ុ
    [InlineData("មោ៉ង", "ម៉ោង")]          // vowel before the register sign
    [InlineData("ម្ដង", "ម្តង")]          // subscript da for subscript ta
    [InlineData("ប្រាក់ខែ ៣ ខែ", "ប្រាក់ខែ3ខែ")] // spaces go, Khmer digits become ASCII
    [InlineData("ရုိက်", "ရိုက်")]          // Burmese ု typed before ိ
    [InlineData("ကုံ", "ကုံ")]            // already in order: unchanged
    [InlineData("လစာ ၃ လ", "လစာ3လ")]
    [InlineData("၀န်ထမ်း", "ဝန်ထမ်း")]      // a zero typed for WA before letters
    public void Look_alike_spellings_of_Khmer_and_Burmese_become_one(string typed, string standard)
    {
        Assert.Equal(TextNormalizer.Unspaced(standard), TextNormalizer.Unspaced(typed));
    }

    [Fact]
    public void Standard_Khmer_and_Burmese_text_is_only_unspaced()
    {
        const string khmer = "ក្រុមហ៊ុនមិនបានបើកប្រាក់ខែឱ្យខ្ញុំហើយ";
        const string burmese = "ကုမ္ပဏီကကျွန်တော့်ကိုလစာမပေးသေးဘူး";
        Assert.Equal(khmer, TextNormalizer.Unspaced(khmer));
        Assert.Equal(burmese, TextNormalizer.Unspaced(burmese));
    }

    [Theory]
    [InlineData("Công ty KHÔNG trả lương!", " cong ty khong tra luong ")]
    [InlineData("di'ba", " diba ")]
    [InlineData("kumiaiက", " kumiai က ")]
    public void Latin_text_is_folded_to_words(string text, string folded)
    {
        Assert.Equal(folded, TextNormalizer.FoldLatin(text));
    }
}
