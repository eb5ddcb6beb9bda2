using System.Text;
using BenchmarkDotNet.Attributes;
using MigrantHelpBot.Translation;

namespace MigrantHelpBot.Benchmarks;

/// <summary>
/// (e) The glossary placeholders of machine translation, which run on every relayed message before and
/// after the call to the translator: <see cref="GlossaryMarkup.Protect"/> over the repository's glossary
/// plus 150 organisation names (as the directory adds them: the Japanese and the English name as forms),
/// and <see cref="GlossaryMarkup.Restore"/> of a translation that kept the spans.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class GlossaryBenchmarks
{
    /// <summary>A worker's message without a key term (Vietnamese, 133 characters): the common case, sent as plain text.</summary>
    private const string WorkerMessage =
        "Em chào anh chị. Công ty bắt em làm thêm giờ mỗi ngày nhưng không trả tiền tăng ca, tháng này lương chỉ còn 9 man. Em phải làm sao ạ?";

    /// <summary>A staff reply with three terms (Japanese, 149 characters): 在留カード, 監理団体 and an organisation, 愛知ユニオン.</summary>
    private const string StaffReply =
        "ご連絡ありがとうございます。会社があなたの在留カードを預かることは法律で認められていません。まず監理団体の担当者に返してもらうよう伝えてください。" +
        "返してもらえない場合は、愛知ユニオンが一緒に会社と交渉できます。来週の月曜日の夕方に、お電話で詳しくお話を聞かせていただけますか。よろしくお願いします。";

    /// <summary>The staff reply as the translator returns it into Vietnamese, the spans kept as they were sent.</summary>
    private const string TranslatedReply =
        "Cảm ơn bạn đã liên hệ. Theo luật, công ty không được phép giữ <span class=\"notranslate\" id=\"g0\">在留カード</span> của bạn. " +
        "Trước tiên, hãy nói với người phụ trách của <span class=\"notranslate\" id=\"g1\">監理団体</span> để họ trả lại cho bạn. " +
        "Nếu họ không trả, <span class=\"notranslate\" id=\"g2\">愛知ユニオン</span> có thể cùng bạn thương lượng với công ty. " +
        "Chiều thứ Hai tuần sau, chúng tôi có thể gọi điện để nghe bạn kể chi tiết hơn được không? Trân trọng.";

    /// <summary>A paragraph of a long worker story with two terms (thẻ ngoại kiều, nghiệp đoàn).</summary>
    private const string WorkerStory =
        "Em sang Nhật được hai năm, làm ở một xưởng đúc ở Aichi. Từ tháng trước công ty giữ thẻ ngoại kiều của em, nói là để làm thủ tục, " +
        "nhưng đến giờ vẫn chưa trả. Em hỏi nghiệp đoàn thì họ bảo chờ thêm, mà em sợ bị công an hỏi giấy tờ trên đường đi làm.\n";

    /// <summary>How many of the 4,000-character text's terms Protect must find (checked in setup).</summary>
    private const int LongTextTerms = 50;

    /// <summary>Prefectures, in Japanese and as the English name writes them.</summary>
    private static readonly (string Ja, string En)[] Places =
    [
        ("北海道", "Hokkaido"), ("青森", "Aomori"), ("岩手", "Iwate"), ("宮城", "Miyagi"), ("秋田", "Akita"),
        ("山形", "Yamagata"), ("福島", "Fukushima"), ("茨城", "Ibaraki"), ("栃木", "Tochigi"), ("群馬", "Gunma"),
        ("埼玉", "Saitama"), ("千葉", "Chiba"), ("東京", "Tokyo"), ("神奈川", "Kanagawa"), ("新潟", "Niigata"),
        ("富山", "Toyama"), ("石川", "Ishikawa"), ("福井", "Fukui"), ("山梨", "Yamanashi"), ("長野", "Nagano"),
        ("岐阜", "Gifu"), ("静岡", "Shizuoka"), ("愛知", "Aichi"), ("三重", "Mie"), ("滋賀", "Shiga"),
        ("京都", "Kyoto"), ("大阪", "Osaka"), ("兵庫", "Hyogo"), ("広島", "Hiroshima"), ("福岡", "Fukuoka"),
    ];

    /// <summary>Kinds of organisation the directory lists, in Japanese and in English.</summary>
    private static readonly (string Ja, string En)[] Kinds =
    [
        ("ユニオン", "Union"),
        ("外国人労働者支援センター", "Foreign Workers Support Center"),
        ("県国際交流協会", "International Association"),
        ("労働局 外国人労働者相談コーナー", "Labour Bureau Foreign Workers Desk"),
        ("弁護士会 法律相談センター", "Bar Association Legal Consultation Center"),
    ];

    private Glossary _glossary = null!;
    private string _longText = string.Empty;
    private GlossaryMarkup.Marked _marked = null!;

    [GlobalSetup]
    public void Setup()
    {
        var file = Glossary.Load(Path.Combine(FindLocales(), "data", "glossary.yaml"));
        if (file.Terms.Count == 0) throw new InvalidOperationException("locales/data/glossary.yaml has no terms.");
        // 30 prefectures × 5 kinds = 150 organisations, each a term as OrganizationTerms builds it.
        var organisations = Places.SelectMany(place => Kinds.Select(kind => (Ja: place.Ja + kind.Ja, En: place.En + " " + kind.En)))
            .Select((name, i) => Glossary.Term("org:bench-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                new Dictionary<string, string> { ["ja"] = name.Ja, ["en"] = name.En }, [name.Ja, name.En]))
            .ToList();
        if (organisations.Count != 150) throw new InvalidOperationException($"{organisations.Count} organisations, not 150.");
        _glossary = file.With(organisations);

        var text = new StringBuilder();
        while (text.Length < 4000) text.Append(WorkerStory).Append(StaffReply).Append('\n');
        _longText = text.ToString(0, 4000);

        // The inputs do what their names say, or the numbers would measure something else.
        if (GlossaryMarkup.Protect(WorkerMessage, _glossary).Html) throw new InvalidOperationException("The worker message contains a term.");
        _marked = GlossaryMarkup.Protect(StaffReply, _glossary);
        if (_marked.Terms.Count != 3) throw new InvalidOperationException($"The staff reply has {_marked.Terms.Count} terms, not 3.");
        var longTerms = GlossaryMarkup.Protect(_longText, _glossary).Terms.Count;
        if (longTerms != LongTextTerms) throw new InvalidOperationException($"The long text has {longTerms} terms, not {LongTextTerms}.");
        var restored = GlossaryMarkup.Restore(TranslatedReply, _marked, "vi");
        if (restored.Contains("<span", StringComparison.Ordinal) || !restored.Contains("thẻ ngoại kiều (在留カード)", StringComparison.Ordinal)
            || !restored.Contains("Aichi Union", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Restore gave: {restored}");
        }
    }

    [Benchmark(Description = "Protect: worker message, no term (vi, 133 chars)")]
    public GlossaryMarkup.Marked ProtectWorkerMessage() => GlossaryMarkup.Protect(WorkerMessage, _glossary);

    [Benchmark(Description = "Protect: staff reply, 3 terms (ja, 149 chars)")]
    public GlossaryMarkup.Marked ProtectStaffReply() => GlossaryMarkup.Protect(StaffReply, _glossary);

    [Benchmark(Description = "Protect: long text (vi + ja, 4,000 chars)")]
    public GlossaryMarkup.Marked ProtectLongText() => GlossaryMarkup.Protect(_longText, _glossary);

    [Benchmark(Description = "Restore: staff reply translated into vi, 3 spans")]
    public string Restore() => GlossaryMarkup.Restore(TranslatedReply, _marked, "vi");

    /// <summary>The locales/ folder beside the binaries, or in the nearest folder above (BenchmarkDotNet runs a generated copy elsewhere).</summary>
    private static string FindLocales()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "locales");
            if (File.Exists(Path.Combine(candidate, "data", "glossary.yaml"))) return candidate;
        }
        throw new DirectoryNotFoundException($"No locales/data/glossary.yaml above {AppContext.BaseDirectory}.");
    }
}
