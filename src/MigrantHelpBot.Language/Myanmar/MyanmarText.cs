using Microsoft.Extensions.Logging;

namespace MigrantHelpBot.Language.Myanmar;

/// <summary>
/// Converts Burmese between Zawgyi and Unicode with ICU's <c>Zawgyi-my</c> and <c>my-Zawgyi</c>
/// transliterators. Without ICU (not present on the machine) conversion is unavailable: detection
/// still works, text is passed through, and the host logs it once at start-up.
/// </summary>
public sealed partial class MyanmarText : IDisposable
{
    private readonly IcuTransliterator? _toUnicode;
    private readonly IcuTransliterator? _toZawgyi;

    public MyanmarText(ILogger<MyanmarText> logger)
    {
        _toUnicode = IcuTransliterator.TryOpen("Zawgyi-my");
        _toZawgyi = IcuTransliterator.TryOpen("my-Zawgyi");
        if (!CanConvert) LogUnavailable(logger);
    }

    public bool CanConvert => _toUnicode is not null && _toZawgyi is not null;

    /// <summary>The text in Unicode, and whether it had to be converted from Zawgyi.</summary>
    public (string Text, bool WasZawgyi) ToUnicode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!ZawgyiDetector.IsZawgyi(text)) return (text, false);
        return _toUnicode is null ? (text, true) : (_toUnicode.Transliterate(text).Normalize(System.Text.NormalizationForm.FormC), true);
    }

    /// <summary>
    /// For a worker known to write Zawgyi: short Burmese (a button they tapped, "ဟုတ္ကဲ့") often carries no sign of
    /// its encoding. Text with no sign of Unicode is read as Zawgyi when converting it to Unicode and back gives it
    /// unchanged (Zawgyi this service wrote, or the worker typed); anything else is left as it is.
    /// </summary>
    public bool ReadsAsZawgyi(string text, out string unicode)
    {
        ArgumentNullException.ThrowIfNull(text);
        unicode = text;
        if (_toUnicode is null || _toZawgyi is null || !text.Any(c => c is >= '\u1000' and <= '\u109F')) return false;
        if (ZawgyiDetector.Evidence(text).Unicode > 0) return false;
        var converted = _toUnicode.Transliterate(text).Normalize(System.Text.NormalizationForm.FormC);
        if (converted == text || _toZawgyi.Transliterate(converted) != text) return false;
        unicode = converted;
        return true;
    }

    /// <summary>Unicode Burmese as Zawgyi, for a worker whose phone shows Zawgyi fonts. Text without Burmese is unchanged.</summary>
    public string ToZawgyi(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (_toZawgyi is null || !text.Any(c => c is >= '\u1000' and <= '\u109F')) return text;
        return _toZawgyi.Transliterate(text);
    }

    public void Dispose()
    {
        _toUnicode?.Dispose();
        _toZawgyi?.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "ICU's Zawgyi transliterators are not available on this machine: Zawgyi Burmese is detected but not converted.")]
    private static partial void LogUnavailable(ILogger logger);
}
