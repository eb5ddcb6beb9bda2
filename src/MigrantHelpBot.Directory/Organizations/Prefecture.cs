using System.Globalization;

namespace MigrantHelpBot.Directory.Organizations;

/// <summary>A prefecture: its JIS X 0401 code (01–47), romaji id and Japanese name.</summary>
public sealed record Prefecture(string Code, string Id, string Japanese)
{
    private static readonly Prefecture[] All = Build(
        ("Hokkaido", "北海道"),
        ("Aomori", "青森県"),
        ("Iwate", "岩手県"),
        ("Miyagi", "宮城県"),
        ("Akita", "秋田県"),
        ("Yamagata", "山形県"),
        ("Fukushima", "福島県"),
        ("Ibaraki", "茨城県"),
        ("Tochigi", "栃木県"),
        ("Gunma", "群馬県"),
        ("Saitama", "埼玉県"),
        ("Chiba", "千葉県"),
        ("Tokyo", "東京都"),
        ("Kanagawa", "神奈川県"),
        ("Niigata", "新潟県"),
        ("Toyama", "富山県"),
        ("Ishikawa", "石川県"),
        ("Fukui", "福井県"),
        ("Yamanashi", "山梨県"),
        ("Nagano", "長野県"),
        ("Gifu", "岐阜県"),
        ("Shizuoka", "静岡県"),
        ("Aichi", "愛知県"),
        ("Mie", "三重県"),
        ("Shiga", "滋賀県"),
        ("Kyoto", "京都府"),
        ("Osaka", "大阪府"),
        ("Hyogo", "兵庫県"),
        ("Nara", "奈良県"),
        ("Wakayama", "和歌山県"),
        ("Tottori", "鳥取県"),
        ("Shimane", "島根県"),
        ("Okayama", "岡山県"),
        ("Hiroshima", "広島県"),
        ("Yamaguchi", "山口県"),
        ("Tokushima", "徳島県"),
        ("Kagawa", "香川県"),
        ("Ehime", "愛媛県"),
        ("Kochi", "高知県"),
        ("Fukuoka", "福岡県"),
        ("Saga", "佐賀県"),
        ("Nagasaki", "長崎県"),
        ("Kumamoto", "熊本県"),
        ("Oita", "大分県"),
        ("Miyazaki", "宮崎県"),
        ("Kagoshima", "鹿児島県"),
        ("Okinawa", "沖縄県")    );

    private static readonly Dictionary<string, Prefecture> ByName = All
        .SelectMany(p => new[] { (Name: p.Code, p), (Name: p.Id, p), (Name: p.Code.TrimStart('0'), p) })
        .DistinctBy(x => x.Name, StringComparer.OrdinalIgnoreCase)
        .ToDictionary(x => x.Name, x => x.p, StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<Prefecture> List => All;

    /// <summary>Reads a romaji name ("Tokyo", "tokyo") or a JIS code ("13", "01", "1").</summary>
    public static Prefecture? Find(string? value) =>
        value is not null && ByName.TryGetValue(value.Trim(), out var prefecture) ? prefecture : null;

    private static Prefecture[] Build(params (string Id, string Japanese)[] rows) =>
        [.. rows.Select((row, index) => new Prefecture((index + 1).ToString("00", CultureInfo.InvariantCulture), row.Id, row.Japanese))];
}
