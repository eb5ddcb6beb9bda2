using BenchmarkDotNet.Attributes;
using MigrantHelpBot.Language.Triage;

namespace MigrantHelpBot.Benchmarks;

/// <summary>
/// (d) The triage classifier, which reads every message a worker sends: a short and a long message
/// per language, over the repository's lexicons (the language's own, English and the shared ones).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 10)]
public class ClassifierBenchmarks
{
    private TriageClassifier _classifier = null!;

    [Params(
        "vi: Công ty không trả lương cho tôi đã 3 tháng rồi",
        "vi: e lam o cty xay dung 2 nam roi, thang nao cung bi tru tien ky tuc xa voi dien nuoc, tang ca ko dc tinh them, hoi thi sep chui, gio muon doi cty khac ma nghiep doan ko cho",
        "tl: Hindi pa po ako binabayaran ng sahod ko ng tatlong buwan",
        "km: ក្រុមហ៊ុនមិនបានបើកប្រាក់ខែឱ្យខ្ញុំ ៣ ខែហើយ",
        "my: ကုမ္ပဏီက ကျွန်တော့်ကို လစာ ၃ လ မပေးသေးဘူး",
        "en: hello")]
    public string Message { get; set; } = string.Empty;

    [GlobalSetup]
    public void Setup() => _classifier = Script.CreateClassifier();

    [Benchmark(Description = "Classify")]
    public TriageResult Classify() => _classifier.Classify(Message[4..]);
}
