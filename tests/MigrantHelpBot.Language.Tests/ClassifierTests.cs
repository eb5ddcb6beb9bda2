namespace MigrantHelpBot.Language.Tests;

public class ClassifierTests
{
    [Theory]
    [InlineData("My company has not paid my salary for 3 months", "unpaid_wages", false)]
    [InlineData("They pay overtime only 300 yen per hour", "unpaid_wages", false)]
    [InlineData("My boss is hitting me right now, please help", "violence_harassment", true)]
    [InlineData("They are taking me to the airport now", "forced_return", true)]
    [InlineData("The company keeps my passport", "documents_withheld", false)]
    [InlineData("I am pregnant and the supervising organisation says I must go home", "pregnancy", false)]
    [InlineData("I want to die", "injury_illness", true)]
    [InlineData("hello", null, false)]
    [InlineData("good evening, thank you", null, false)]
    public void English_messages(string text, string? category, bool emergency)
    {
        var result = Classifiers.Real.Classify(text);
        Assert.Equal(category, result.Category);
        Assert.Equal(emergency, result.Emergency);
        Assert.Equal("en", result.Language ?? "en");
    }

    [Fact]
    public void Signals_name_what_fired()
    {
        var result = Classifiers.Real.Classify("They did not pay my wages");
        Assert.Contains(result.Signals, s => s.StartsWith("unpaid_wages:", StringComparison.Ordinal));
        Assert.Contains(result.Signals, s => s.StartsWith("language:en", StringComparison.Ordinal));
    }

    [Fact]
    public void Text_is_normalised_before_anything_reads_it()
    {
        var result = Classifiers.Real.Classify("  My   boss\u200B  shouts\r\n at me  ");
        Assert.Equal("My boss shouts\nat me", result.NormalizedText);
    }
}
