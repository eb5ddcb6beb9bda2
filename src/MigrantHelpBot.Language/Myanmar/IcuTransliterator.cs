using System.Runtime.InteropServices;

namespace MigrantHelpBot.Language.Myanmar;

/// <summary>
/// An ICU transliterator (e.g. <c>Zawgyi-my</c>, <c>my-Zawgyi</c>) through ICU's C API, from the
/// system's ICU — the same library .NET itself uses for globalisation on Linux. .NET exposes no
/// transliterators, so we bind the four functions we need, probing the versioned library and symbol
/// names the way .NET does.
/// </summary>
internal sealed unsafe class IcuTransliterator : IDisposable
{
    private const int UTransForward = 0;
    private const int BufferOverflow = 15; // U_BUFFER_OVERFLOW_ERROR
    private readonly object _gate = new();
    private readonly IntPtr _handle;
    private bool _disposed;

    private IcuTransliterator(IntPtr handle) => _handle = handle;

    /// <summary>Opens the transliterator <paramref name="id"/>, or returns null when ICU or the id is not available.</summary>
    public static IcuTransliterator? TryOpen(string id)
    {
        var api = IcuApi.Value;
        if (api is null) return null;
        int error = 0;
        IntPtr handle;
        fixed (char* idChars = id)
        {
            var parseError = stackalloc byte[128];
            handle = api.Open(idChars, id.Length, UTransForward, null, 0, parseError, &error);
        }
        return error > 0 || handle == IntPtr.Zero ? null : new IcuTransliterator(handle);
    }

    public string Transliterate(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0) return text;
        var api = IcuApi.Value!;
        var capacity = (text.Length * 2) + 16;
        while (true)
        {
            var buffer = new char[capacity];
            text.CopyTo(buffer);
            var length = text.Length;
            var limit = text.Length;
            var error = 0;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                fixed (char* chars = buffer)
                {
                    api.Transliterate(_handle, chars, &length, capacity, 0, &limit, &error);
                }
            }
            if (error == BufferOverflow)
            {
                capacity *= 2;
                continue;
            }
            if (error > 0) throw new InvalidOperationException($"ICU transliteration failed with error {error}.");
            return new string(buffer, 0, length);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            IcuApi.Value!.Close(_handle);
        }
    }

    private static readonly Lazy<IcuApi?> IcuApi = new(IcuApiLoader.Load);
}

internal sealed unsafe class IcuApi(
    delegate* unmanaged<char*, int, int, char*, int, byte*, int*, IntPtr> open,
    delegate* unmanaged<IntPtr, char*, int*, int, int, int*, int*, void> transliterate,
    delegate* unmanaged<IntPtr, void> close)
{
    public IntPtr Open(char* id, int idLength, int direction, char* rules, int rulesLength, byte* parseError, int* error) =>
        open(id, idLength, direction, rules, rulesLength, parseError, error);

    public void Transliterate(IntPtr handle, char* text, int* length, int capacity, int start, int* limit, int* error) =>
        transliterate(handle, text, length, capacity, start, limit, error);

    public void Close(IntPtr handle) => close(handle);
}

internal static unsafe class IcuApiLoader
{
    /// <summary>Finds ICU's i18n library and its <c>utrans_*</c> functions; null when not present.</summary>
    public static IcuApi? Load()
    {
        foreach (var (library, suffix) in Candidates())
        {
            if (!NativeLibrary.TryLoad(library, out var handle)) continue;
            if (NativeLibrary.TryGetExport(handle, "utrans_openU" + suffix, out var open)
                && NativeLibrary.TryGetExport(handle, "utrans_transUChars" + suffix, out var transliterate)
                && NativeLibrary.TryGetExport(handle, "utrans_close" + suffix, out var close))
            {
                return new IcuApi(
                    (delegate* unmanaged<char*, int, int, char*, int, byte*, int*, IntPtr>)open,
                    (delegate* unmanaged<IntPtr, char*, int*, int, int, int*, int*, void>)transliterate,
                    (delegate* unmanaged<IntPtr, void>)close);
            }
            NativeLibrary.Free(handle);
        }
        return null;
    }

    private static IEnumerable<(string Library, string Suffix)> Candidates()
    {
        if (OperatingSystem.IsWindows())
        {
            yield return ("icu.dll", string.Empty);
            yield break;
        }
        if (OperatingSystem.IsMacOS())
        {
            yield return ("libicucore.dylib", string.Empty);
            yield break;
        }
        // As .NET does: an explicit override, then versioned libraries, newest first.
        if (Environment.GetEnvironmentVariable("CLR_ICU_VERSION_OVERRIDE") is { Length: > 0 } pinned)
        {
            var major = pinned.Split('.')[0];
            yield return ($"libicui18n.so.{pinned}", "_" + major);
            yield return ($"libicui18n.so.{major}", "_" + major);
        }
        for (var version = 90; version >= 50; version--)
        {
            yield return ($"libicui18n.so.{version}", "_" + version);
            yield return ($"libicui18n.so.{version}", string.Empty);
        }
        yield return ("libicui18n.so", string.Empty);
    }
}
