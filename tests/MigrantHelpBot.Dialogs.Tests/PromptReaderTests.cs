using MigrantHelpBot.Dialogs.Engine;

namespace MigrantHelpBot.Dialogs.Tests;

public class PromptReaderTests
{
    [Theory]
    [InlineData("3", 3)]
    [InlineData("3 tháng", 3)]
    [InlineData("about 12 hours", 12)]
    [InlineData("៣ខែ", 3)]
    [InlineData("၁၂ နာရီ", 12)]
    [InlineData("１５", 15)]
    [InlineData("1,200円", 1200)]
    [InlineData("134.000 yen", 134000)]
    [InlineData("no number", null)]
    public void Numbers_in_any_digits(string text, int? expected) => Assert.Equal(expected, PromptReader.FirstNumber(text));

    [Theory]
    [InlineData("Aichi", "aichi")]
    [InlineData("aichi-ken", "aichi")]
    [InlineData("Aichi Prefecture", "aichi")]
    [InlineData("愛知県", "aichi")]
    [InlineData("愛知", "aichi")]
    [InlineData("あいち", "aichi")]
    [InlineData("Nagoya", "aichi")]
    [InlineData("tỉnh Aichi", "aichi")]
    [InlineData("Hirosima", "hiroshima")]
    [InlineData("Tōkyō", "tokyo")]
    [InlineData("東京都", "tokyo")]
    [InlineData("Kyoto", "kyoto")]
    [InlineData("京都府", "kyoto")]
    [InlineData("Đông Kinh", "tokyo")]
    [InlineData("တိုကျို", "tokyo")]
    [InlineData("somewhere", null)]
    public void Prefectures_as_workers_write_them(string text, string? expected) => Assert.Equal(expected, Catalog.Prefectures.Match(text)?.Id);

    [Fact]
    public void The_minimum_wage_in_force_is_found_by_date()
    {
        Assert.Equal(1226, Catalog.Wages.InForce("tokyo", new DateOnly(2026, 11, 21))!.Yen);
        Assert.Null(Catalog.Wages.InForce("akita", new DateOnly(2026, 3, 30))); // its FY2025 rate starts on 31 March 2026
        Assert.Equal(1023, Catalog.Wages.Lowest(new DateOnly(2026, 11, 21))!.Yen);
    }
}
