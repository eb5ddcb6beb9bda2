using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace MigrantHelpBot.Translation;

/// <summary>One text's machine translation: the language it was written in (as detected) and the text in each language asked for.</summary>
public sealed record MachineTranslation(string? DetectedLanguage, IReadOnlyDictionary<string, string> Texts);

/// <summary>
/// Machine translation as the relay uses it: key terms protected by the glossary, answers cached in
/// memory by text hash, language pair and glossary version, and the Azure client (with its retries
/// and circuit breaker) for the rest. For a worker's own words and staff replies only — never for
/// what the bot says, which is written by people in locales/.
/// </summary>
public sealed class MachineTranslator(AzureTranslatorClient client, GlossaryProvider glossary, IOptions<TranslatorOptions> options) : IDisposable
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = Math.Max(1, options.Value.CacheEntries) });

    /// <summary>A translator is configured (a key is set).</summary>
    public bool Configured => options.Value.Configured;

    /// <summary>Configured and its circuit closed: a call now is worth making.</summary>
    public bool Available => Configured && client.Available;

    /// <summary>
    /// Translates each text into every language of <paramref name="to"/>; <paramref name="from"/> null detects it.
    /// Throws <see cref="TranslatorException"/> when the service cannot (nothing is partly returned).
    /// </summary>
    public async Task<IReadOnlyList<MachineTranslation>> TranslateAsync(IReadOnlyList<string> texts, IReadOnlyList<string> to, CancellationToken cancellationToken, string? from = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(to);
        if (!Configured) throw new TranslatorException("No translator is configured.", transient: false);
        var terms = await glossary.CurrentAsync(cancellationToken);
        var results = new MachineTranslation?[texts.Count];
        var missing = new List<int>();
        for (var i = 0; i < texts.Count; i++)
        {
            results[i] = FromCache(texts[i], from, to, terms.Version);
            if (results[i] is null) missing.Add(i);
        }
        if (missing.Count == 0) return results!;

        var marked = missing.ToDictionary(i => i, i => GlossaryMarkup.Protect(texts[i], terms));
        foreach (var group in missing.GroupBy(i => marked[i].Html))
        {
            var indexes = group.ToList();
            var answers = await client.TranslateAsync([.. indexes.Select(i => marked[i].Text)], from, to, html: group.Key, cancellationToken);
            for (var k = 0; k < indexes.Count; k++)
            {
                var i = indexes[k];
                var translated = to.ToDictionary(language => language, language => GlossaryMarkup.Restore(answers[k].Translations[language], marked[i], language), StringComparer.Ordinal);
                var result = new MachineTranslation(answers[k].DetectedLanguage ?? from, translated);
                results[i] = result;
                var hash = Hash(texts[i]);
                foreach (var language in to) Remember(hash, from, language, terms.Version, result.DetectedLanguage, translated[language]);
            }
        }
        return results!;
    }

    private MachineTranslation? FromCache(string text, string? from, IReadOnlyList<string> to, string version)
    {
        var hash = Hash(text);
        string? detected = null;
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var language in to)
        {
            if (!_cache.TryGetValue(Key(hash, from, language, version), out Cached? cached) || cached is null) return null;
            detected ??= cached.Detected;
            texts[language] = cached.Text;
        }
        return new MachineTranslation(detected, texts);
    }

    private void Remember(string hash, string? from, string language, string version, string? detected, string translated) =>
        _cache.Set(Key(hash, from, language, version), new Cached(detected, translated),
            new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = options.Value.CacheLifetime });

    private static string Key(string hash, string? from, string to, string version) => $"{hash}|{from ?? "auto"}|{to}|{version}";

    /// <summary>The cache never holds a text as its key, only its SHA-256.</summary>
    private static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    public void Dispose() => _cache.Dispose();

    private sealed record Cached(string? Detected, string Text);
}

/// <summary>The glossary file, with the terms of every <see cref="IGlossaryTerms"/> (organisation names) added and refreshed each minute.</summary>
public sealed class GlossaryProvider(Glossary file, IEnumerable<IGlossaryTerms> sources, TimeProvider clock) : IDisposable
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMinutes(1);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Glossary? _current;
    private DateTimeOffset _next = DateTimeOffset.MinValue;

    public async Task<Glossary> CurrentAsync(CancellationToken cancellationToken)
    {
        if (clock.GetUtcNow() < _next && _current is not null) return _current;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (clock.GetUtcNow() < _next && _current is not null) return _current;
            var more = new List<GlossaryTerm>();
            try
            {
                foreach (var source in sources) more.AddRange(await source.TermsAsync(cancellationToken));
                _current = more.Count == 0 ? file : file.With(more);
                _next = clock.GetUtcNow() + Refresh;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The directory cannot be read now: the terms it gave last time (or the file's) serve; try again soon.
                _current ??= file;
                _next = clock.GetUtcNow() + TimeSpan.FromSeconds(10);
            }
            return _current;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
