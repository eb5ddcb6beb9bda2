using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Translation.Tests;

/// <summary>
/// The Azure Translator v3 client against a fake Translator on loopback: the documented request
/// (headers, language ids, limits), and what it does when the service is busy, failing, slow or
/// answers nonsense.
/// </summary>
public sealed class TranslatorClientTests : IAsyncLifetime
{
    private FakeTranslator _fake = null!;

    public async ValueTask InitializeAsync() => _fake = await FakeTranslator.StartAsync();

    public async ValueTask DisposeAsync() => await _fake.DisposeAsync();

    internal static TranslatorOptions Options(FakeTranslator fake, Action<TranslatorOptions>? tweak = null)
    {
        var options = new TranslatorOptions
        {
            Endpoint = fake.Endpoint, Key = FakeTranslator.Key, Region = FakeTranslator.Region,
            RetryDelay = TimeSpan.FromMilliseconds(20), AttemptTimeout = TimeSpan.FromSeconds(3), BreakDuration = TimeSpan.FromSeconds(1),
        };
        tweak?.Invoke(options);
        return options;
    }

    internal static AzureTranslatorClient Client(TranslatorOptions options)
    {
        var services = new ServiceCollection();
        services.AddHttpClient(AzureTranslatorClient.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        var factory = services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>();
        return new AzureTranslatorClient(factory, Microsoft.Extensions.Options.Options.Create(options), NullLogger<AzureTranslatorClient>.Instance);
    }

    internal static MachineTranslator Translator(TranslatorOptions options, Glossary? glossary = null, params IGlossaryTerms[] more) =>
        new(Client(options), new GlossaryProvider(glossary ?? Glossary.Empty, more, TimeProvider.System), Microsoft.Extensions.Options.Options.Create(options));

    [Fact]
    public async Task A_request_carries_the_key_the_region_a_fresh_trace_id_and_Filipino_for_Tagalog()
    {
        var client = Client(Options(_fake));
        _fake.Phrases[("Xin chào chị", "fil")] = "Magandang araw po";
        var results = await client.TranslateAsync(["Xin chào chị"], from: null, ["tl", "ja"], html: false, CancellationToken.None);
        await client.TranslateAsync(["Xin chào chị"], from: "vi", ["en"], html: false, CancellationToken.None);

        Assert.Equal("vi", results[0].DetectedLanguage);
        Assert.Equal("Magandang araw po", results[0].Translations["tl"]);
        Assert.Equal("[ja] Xin chào chị", results[0].Translations["ja"]);
        var calls = _fake.Calls.ToList();
        Assert.Equal(2, calls.Count);
        Assert.All(calls, c =>
        {
            Assert.Equal(200, c.Status);
            Assert.Equal((FakeTranslator.Key, FakeTranslator.Region), (c.Key, c.Region));
            Assert.True(Guid.TryParse(c.TraceId, out _), c.TraceId);
            Assert.Equal(["3.0"], c.Query("api-version"));
        });
        Assert.NotEqual(calls[0].TraceId, calls[1].TraceId);
        Assert.Equal(["fil", "ja"], calls[0].Query("to"));
        Assert.Empty(calls[0].Query("from"));
        Assert.Equal(["vi"], calls[1].Query("from"));
        Assert.Equal("""[{"Text":"Xin chào chị"}]""", System.Text.RegularExpressions.Regex.Unescape(calls[0].Body));
    }

    [Fact]
    public async Task Texts_are_split_into_requests_of_at_most_1000_elements_and_50000_characters_counted_across_targets()
    {
        var client = Client(Options(_fake));
        var many = Enumerable.Range(0, 2500).Select(i => $"tin nhắn {i}").ToList();
        var results = await client.TranslateAsync(many, "vi", ["ja"], html: false, CancellationToken.None);
        Assert.Equal(many.Select(t => "[ja] " + t), results.Select(r => r.Translations["ja"]));
        Assert.Equal([1000, 1000, 500], _fake.Calls.Select(c => c.Texts.Count));

        while (_fake.Calls.TryDequeue(out _)) { }
        var long2000 = Enumerable.Range(0, 30).Select(i => i.ToString("D4") + new string('a', 1996)).ToList();
        results = await client.TranslateAsync(long2000, "en", ["ja", "vi"], html: false, CancellationToken.None);
        Assert.Equal(30, results.Count);
        Assert.Equal(long2000.Select(t => "[vi] " + t), results.Select(r => r.Translations["vi"]));
        var calls = _fake.Calls.ToList();
        Assert.All(calls, c => Assert.True(c.Texts.Sum(t => t.Length) * 2 <= 50_000, $"{c.Texts.Sum(t => t.Length) * 2} characters"));
        Assert.Equal([12, 12, 6], calls.Select(c => c.Texts.Count));

        while (_fake.Calls.TryDequeue(out _)) { }
        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.TranslateAsync([new string('a', 30_000)], "en", ["ja", "vi"], html: false, CancellationToken.None));
        Assert.Contains("50000", error.Message);
        Assert.Empty(_fake.Calls);
    }

    [Fact]
    public void Batches_count_each_text_once_per_target_language()
    {
        var texts = new[] { new string('x', 10_000), new string('y', 10_000), new string('z', 10_000) };
        Assert.Equal([2, 1], AzureTranslatorClient.Batches(texts, 2, 1000, 50_000).Select(b => b.Count));
        Assert.Equal([1, 1, 1], AzureTranslatorClient.Batches(texts, 3, 1000, 50_000).Select(b => b.Count));
        Assert.Equal([3], AzureTranslatorClient.Batches(texts, 1, 1000, 50_000).Select(b => b.Count));
        Assert.Empty(AzureTranslatorClient.Batches([], 2, 1000, 50_000));
    }

    [Fact]
    public async Task A_burst_of_429s_is_waited_out_as_Retry_After_asks_and_then_answered()
    {
        var client = Client(Options(_fake));
        _fake.FailNext(2, 429, retryAfterSeconds: 1);
        var results = await client.TranslateAsync(["ខ្ញុំត្រូវការជំនួយ"], null, ["ja"], html: false, CancellationToken.None);
        Assert.Equal("km", results[0].DetectedLanguage);
        var calls = _fake.Calls.ToList();
        Assert.Equal([429, 429, 200], calls.Select(c => c.Status));
        // Retry-After: 1 was honoured (the configured backoff alone would have been ~20 ms).
        Assert.True(calls[1].At - calls[0].At >= TimeSpan.FromMilliseconds(900), $"{(calls[1].At - calls[0].At).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task A_Retry_After_longer_than_we_wait_in_place_fails_now_so_the_work_is_tried_later()
    {
        var client = Client(Options(_fake, o => o.MaxRetryAfter = TimeSpan.FromSeconds(5)));
        _fake.FailNext(1, 429, retryAfterSeconds: 60);
        var error = await Assert.ThrowsAsync<TranslatorException>(() => client.TranslateAsync(["hello"], "en", ["ja"], html: false, CancellationToken.None));
        Assert.True(error.Transient);
        Assert.Equal(429, error.Status);
        Assert.Equal(TimeSpan.FromSeconds(60), error.RetryAfter);
        Assert.Single(_fake.Calls);
    }

    [Fact]
    public async Task A_500_is_retried_and_a_lasting_outage_opens_the_circuit_so_calls_stop_reaching_the_service_until_it_returns()
    {
        var client = Client(Options(_fake, o => { o.MaxRetries = 2; o.BreakerMinimumThroughput = 4; }));
        _fake.FailNext(1, 500);
        Assert.Equal("[ja] hello", (await client.TranslateAsync(["hello"], "en", ["ja"], html: false, CancellationToken.None))[0].Translations["ja"]);
        Assert.Equal([500, 200], _fake.Calls.Select(c => c.Status));

        _fake.Down = true;
        var error = await Assert.ThrowsAsync<TranslatorException>(() => client.TranslateAsync(["hello again"], "en", ["ja"], html: false, CancellationToken.None));
        Assert.True(error.Transient);
        Assert.False(client.Available); // 4 failures of the last 5 calls
        var before = _fake.Calls.Count;
        error = await Assert.ThrowsAsync<TranslatorException>(() => client.TranslateAsync(["and again"], "en", ["ja"], html: false, CancellationToken.None));
        Assert.True(error.Transient);
        Assert.Contains("paused", error.Message);
        Assert.Equal(before, _fake.Calls.Count); // the open circuit kept the call from the service

        _fake.Down = false;
        await Task.Delay(TimeSpan.FromSeconds(1.2)); // the break (1 s in this test) passes: one call tests the service
        Assert.True(client.Available); // worth calling again, though Polly moves the circuit on only at the next call
        Assert.Equal("[ja] back", (await client.TranslateAsync(["back"], "en", ["ja"], html: false, CancellationToken.None))[0].Translations["ja"]);
        Assert.True(client.Available);
    }

    [Fact]
    public async Task A_slow_answer_past_the_attempt_timeout_is_abandoned_and_tried_again()
    {
        var client = Client(Options(_fake, o => { o.AttemptTimeout = TimeSpan.FromMilliseconds(300); o.BreakerMinimumThroughput = 100; }));
        _fake.SlowNext(1, TimeSpan.FromSeconds(10));
        var results = await client.TranslateAsync(["chậm"], "vi", ["ja"], html: false, CancellationToken.None);
        Assert.Equal("[ja] chậm", results[0].Translations["ja"]);
        Assert.Equal(2, _fake.Calls.Count);

        _fake.Delay = TimeSpan.FromSeconds(10);
        var error = await Assert.ThrowsAsync<TranslatorException>(() => client.TranslateAsync(["vẫn chậm"], "vi", ["ja"], html: false, CancellationToken.None));
        Assert.True(error.Transient);
        Assert.Contains("in time", error.Message);
    }

    [Fact]
    public async Task Malformed_JSON_is_tried_again_and_if_it_persists_is_a_clear_error()
    {
        var client = Client(Options(_fake, o => { o.MaxRetries = 2; o.BreakerMinimumThroughput = 100; }));
        _fake.MalformedNext(1);
        Assert.Equal("[ja] ok", (await client.TranslateAsync(["ok"], "en", ["ja"], html: false, CancellationToken.None))[0].Translations["ja"]);

        _fake.MalformedNext(3, """[{"translations":[{"text":"only one","to":"ja"}]}, {"translations":[]}]""");
        var error = await Assert.ThrowsAsync<TranslatorException>(() => client.TranslateAsync(["one"], "en", ["ja"], html: false, CancellationToken.None));
        Assert.True(error.Transient);
        Assert.Contains("2 items for 1 texts", error.Message);

        _fake.MalformedNext(3, """[{"translations":[{"text":"日本語だけ","to":"ja"}]}]""");
        error = await Assert.ThrowsAsync<TranslatorException>(() => client.TranslateAsync(["two"], "en", ["ja", "vi"], html: false, CancellationToken.None));
        Assert.Contains("missing a translation", error.Message);

        _fake.MalformedNext(3, "<html>Bad gateway</html>");
        error = await Assert.ThrowsAsync<TranslatorException>(() => client.TranslateAsync(["three"], "en", ["ja"], html: false, CancellationToken.None));
        Assert.Contains("could not be read", error.Message);
    }

    [Fact]
    public async Task A_refusal_such_as_a_wrong_key_is_not_retried_and_names_the_services_code()
    {
        var client = Client(Options(_fake, o => o.Key = "wrong"));
        var error = await Assert.ThrowsAsync<TranslatorException>(() => client.TranslateAsync(["hello"], "en", ["ja"], html: false, CancellationToken.None));
        Assert.False(error.Transient);
        Assert.Equal((401, 401000), (error.Status, error.Code));
        Assert.Single(_fake.Calls);
    }

    [Fact]
    public async Task Detect_names_each_texts_language_in_our_ids()
    {
        var client = Client(Options(_fake));
        var texts = Enumerable.Range(0, 150).Select(i => i % 3 == 0 ? "ខ្ញុំត្រូវការជំនួយ" : i % 3 == 1 ? "Hindi po ako binabayaran" : "မင်္ဂလာပါ").ToList();
        var results = await client.DetectAsync(texts, CancellationToken.None);
        Assert.Equal(texts.Select(FakeTranslator.Detect).Select(TranslatorLanguages.FromService), results.Select(r => r.Language));
        Assert.Equal("tl", results[1].Language);
        Assert.Equal([100, 50], _fake.Calls.Select(c => c.Texts.Count));
        Assert.All(_fake.Calls, c => Assert.StartsWith("/detect?api-version=3.0", c.PathAndQuery));
    }

    [Fact]
    public async Task Without_a_key_nothing_is_sent_anywhere()
    {
        var translator = Translator(Options(_fake, o => o.Key = null));
        Assert.False(translator.Configured);
        Assert.False(translator.Available);
        var error = await Assert.ThrowsAsync<TranslatorException>(() => translator.TranslateAsync(["hello"], ["ja"], CancellationToken.None));
        Assert.False(error.Transient);
        Assert.Empty(_fake.Calls);
    }

    [Fact]
    public async Task The_cache_answers_a_text_again_without_the_service_per_language_pair()
    {
        var translator = Translator(Options(_fake));
        var first = await translator.TranslateAsync(["Tôi chưa được trả lương", "Xin chào"], ["ja", "en"], CancellationToken.None);
        var again = await translator.TranslateAsync(["Xin chào", "Tôi chưa được trả lương"], ["ja", "en"], CancellationToken.None);
        Assert.Single(_fake.Calls);
        Assert.Equal(first[0].Texts["ja"], again[1].Texts["ja"]);
        Assert.Equal("vi", again[0].DetectedLanguage);

        await translator.TranslateAsync(["Xin chào"], ["km"], CancellationToken.None); // another pair: asked
        await translator.TranslateAsync(["Xin chào"], ["ja"], CancellationToken.None, from: "vi"); // a given source is another pair too
        Assert.Equal(3, _fake.Calls.Count);
        Assert.Equal(["Xin chào"], _fake.Calls.Last().Texts);
    }

    [Fact]
    public void Service_language_ids_map_both_ways()
    {
        Assert.Equal(["vi", "fil", "km", "my", "ja", "en", "fil"], new[] { "vi", "tl", "km", "my", "ja", "en", "tl-PH" }.Select(TranslatorLanguages.ToService));
        Assert.Equal(["tl", "vi", "my"], new[] { "fil", "vi", "my" }.Select(TranslatorLanguages.FromService));
        Assert.Equal("https://api.cognitive.microsofttranslator.com/", new TranslatorOptions().BaseAddress.ToString());
        Assert.Equal("https://mhb.cognitiveservices.azure.com/translator/text/v3.0/", new TranslatorOptions { Endpoint = new Uri("https://mhb.cognitiveservices.azure.com/") }.BaseAddress.ToString());
        Assert.Equal("https://api-apc.cognitive.microsofttranslator.com/", new TranslatorOptions { Endpoint = new Uri("https://api-apc.cognitive.microsofttranslator.com") }.BaseAddress.ToString());
    }
}
