using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace MigrantHelpBot.Testing;

/// <summary>A request the fake translator received (its route and query, the headers that matter, the body).</summary>
public sealed record TranslatorCall(string PathAndQuery, string? Key, string? Region, string? TraceId, string? ContentType, string Body, DateTimeOffset At, int Status)
{
    public IReadOnlyList<string> Query(string name) =>
        [.. PathAndQuery.Split('?', 2).ElementAtOrDefault(1)?.Split('&').Select(p => p.Split('=', 2)).Where(p => p[0] == name).Select(p => Uri.UnescapeDataString(p.ElementAtOrDefault(1) ?? "")) ?? []];

    /// <summary>The texts sent (the <c>Text</c> of each element).</summary>
    public IReadOnlyList<string> Texts => [.. JsonNode.Parse(Body)!.AsArray().Select(e => e!["Text"]!.GetValue<string>())];
}

/// <summary>
/// Azure AI Translator v3 on loopback, as documented: <c>POST /translate</c> and <c>/detect</c> with
/// api-version 3.0, the key and region headers, a JSON array of <c>{"Text"}</c>, the request limits
/// (1,000 elements, 50,000 characters counted across targets) and the error shape
/// <c>{"error":{"code","message"}}</c>. It "translates" with <see cref="Phrases"/> (whole texts, or the
/// pieces between notranslate spans in HTML mode) and otherwise writes <c>[to] text</c>; spans marked
/// notranslate come back untouched. Faults are scripted per request: <see cref="FailNext"/>,
/// <see cref="SlowNext"/>, <see cref="MalformedNext"/>, or <see cref="Down"/> for an outage.
/// </summary>
public sealed partial class FakeTranslator : IAsyncDisposable
{
    public const string Key = "fake-translator-key";
    public const string Region = "japaneast";
    private static readonly HashSet<string> Languages = ["vi", "fil", "km", "my", "ja", "en"];
    private readonly ConcurrentQueue<Func<HttpContext, Task<bool>>> _faults = new();
    private readonly LoopbackServer _server;

    private FakeTranslator(LoopbackServer server) => _server = server;

    public Uri Endpoint => _server.BaseAddress;

    public ConcurrentQueue<TranslatorCall> Calls { get; } = new();

    /// <summary>(text, service language) → translation; a text is also looked up with surrounding spaces trimmed.</summary>
    public ConcurrentDictionary<(string Text, string To), string> Phrases { get; } = new();

    /// <summary>While true every request gets 503 (an outage); false again when the service returns.</summary>
    public bool Down { get; set; }

    /// <summary>Every answer waits this long first (a slow service).</summary>
    public TimeSpan Delay { get; set; }

    public int Translations => Calls.Count(c => c.PathAndQuery.StartsWith("/translate", StringComparison.Ordinal) && c.Status == 200);

    public static async Task<FakeTranslator> StartAsync()
    {
        FakeTranslator? fake = null;
        var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapPost("/translate", (HttpContext context) => fake!.HandleAsync(context, detect: false));
            app.MapPost("/detect", (HttpContext context) => fake!.HandleAsync(context, detect: true));
        });
        fake = new FakeTranslator(server);
        return fake;
    }

    /// <summary>The next <paramref name="count"/> requests get <paramref name="status"/> (with <c>Retry-After</c> if given) in the documented error shape.</summary>
    public void FailNext(int count, int status, int? retryAfterSeconds = null)
    {
        for (var i = 0; i < count; i++)
        {
            _faults.Enqueue(async context =>
            {
                if (retryAfterSeconds is { } wait) context.Response.Headers.RetryAfter = wait.ToString(CultureInfo.InvariantCulture);
                await ErrorAsync(context, status, status * 1000 + 1, "Fault injected by the test.");
                return true;
            });
        }
    }

    /// <summary>The next <paramref name="count"/> requests are answered only after <paramref name="delay"/>.</summary>
    public void SlowNext(int count, TimeSpan delay)
    {
        for (var i = 0; i < count; i++)
        {
            _faults.Enqueue(async context =>
            {
                try
                {
                    await Task.Delay(delay, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return true;
                }
                return false;
            });
        }
    }

    /// <summary>The next <paramref name="count"/> requests get 200 with a body that is not the documented JSON.</summary>
    public void MalformedNext(int count, string body = "[{\"translations\": [{\"text\": \"cut off")
    {
        for (var i = 0; i < count; i++)
        {
            _faults.Enqueue(async context =>
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(body);
                return true;
            });
        }
    }

    private async Task HandleAsync(HttpContext context, bool detect)
    {
        var request = context.Request;
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        try
        {
            await AnswerAsync(context, body, detect);
        }
        finally
        {
            Calls.Enqueue(new TranslatorCall(request.Path + request.QueryString, request.Headers["Ocp-Apim-Subscription-Key"].ToString(),
                request.Headers["Ocp-Apim-Subscription-Region"].ToString(), request.Headers["X-ClientTraceId"].ToString(), request.ContentType, body,
                DateTimeOffset.UtcNow, context.Response.StatusCode));
        }
    }

    private async Task AnswerAsync(HttpContext context, string body, bool detect)
    {
        var request = context.Request;
        if (Delay > TimeSpan.Zero) await Task.Delay(Delay, context.RequestAborted);
        if (Down)
        {
            await ErrorAsync(context, 503, 503000, "The service is temporarily unavailable.");
            return;
        }
        if (_faults.TryDequeue(out var fault) && await fault(context)) return;
        if (request.Query["api-version"] != "3.0") { await ErrorAsync(context, 400, 400021, "The API version parameter is missing or invalid."); return; }
        if (request.Headers["Ocp-Apim-Subscription-Key"] != Key) { await ErrorAsync(context, 401, 401000, "The request is not authorized because credentials are missing or invalid."); return; }
        if (request.Headers["Ocp-Apim-Subscription-Region"] != Region) { await ErrorAsync(context, 401, 401015, "The region is missing or wrong for this resource."); return; }
        if (request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true) { await ErrorAsync(context, 415, 415000, "The Content-Type header is missing or invalid."); return; }

        List<string> texts;
        try
        {
            texts = [.. JsonNode.Parse(body)!.AsArray().Select(e => e!["Text"]!.GetValue<string>())];
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or NullReferenceException)
        {
            await ErrorAsync(context, 400, 400074, "The body of the request is not valid JSON.");
            return;
        }

        if (detect)
        {
            if (texts.Count > 100) { await ErrorAsync(context, 400, 400077, "The maximum array size has been exceeded."); return; }
            await JsonAsync(context, new JsonArray([.. texts.Select(t => (JsonNode)new JsonObject
            {
                ["language"] = Detect(t), ["score"] = 1.0, ["isTranslationSupported"] = true, ["isTransliterationSupported"] = false,
            })]));
            return;
        }

        var targets = request.Query["to"].Select(t => t!).ToList();
        var from = request.Query["from"].FirstOrDefault();
        if (targets.Count == 0 || targets.Any(t => !Languages.Contains(t))) { await ErrorAsync(context, 400, 400036, "The target language (\"To\" field) is missing or invalid."); return; }
        if (from is not null && !Languages.Contains(from)) { await ErrorAsync(context, 400, 400035, "The source language (\"From\" field) is not valid."); return; }
        if (texts.Count > 1000) { await ErrorAsync(context, 400, 400077, "The maximum array size has been exceeded."); return; }
        if (texts.Sum(t => (long)t.Length) * targets.Count > 50_000) { await ErrorAsync(context, 400, 400050, "The input text is too long."); return; }
        var html = request.Query["textType"] == "html";
        var answer = new JsonArray();
        foreach (var text in texts)
        {
            var item = new JsonObject();
            if (from is null) item["detectedLanguage"] = new JsonObject { ["language"] = Detect(html ? SpanPattern().Replace(text, "") : text), ["score"] = 1.0 };
            item["translations"] = new JsonArray([.. targets.Select(to => (JsonNode)new JsonObject { ["text"] = Translate(text, to, html), ["to"] = to })]);
            answer.Add(item);
        }
        await JsonAsync(context, answer);
    }

    private string Translate(string text, string to, bool html)
    {
        if (!html) return Phrase(text, to);
        // Spans marked notranslate stay as they are; the text between them is translated piece by piece.
        var output = new StringBuilder();
        var at = 0;
        foreach (Match span in SpanPattern().Matches(text))
        {
            output.Append(Piece(text[at..span.Index], to)).Append(span.Value);
            at = span.Index + span.Length;
        }
        return output.Append(Piece(text[at..], to)).ToString();
    }

    private string Piece(string html, string to)
    {
        if (html.Trim().Length == 0) return html;
        var plain = WebUtility.HtmlDecode(html);
        var translated = Phrase(plain.Trim(), to);
        return WebUtility.HtmlEncode(translated);
    }

    private string Phrase(string text, string to) =>
        Phrases.TryGetValue((text, to), out var known) || Phrases.TryGetValue((text.Trim(), to), out known) ? known : $"[{to}] {text}";

    /// <summary>By script: Khmer, Burmese, Japanese; Vietnamese by its letters; Tagalog by its small words; else English.</summary>
    public static string Detect(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Any(c => c is >= '\u1780' and <= '\u17FF')) return "km";
        if (text.Any(c => c is >= '\u1000' and <= '\u109F')) return "my";
        if (text.Any(c => c is >= '\u3040' and <= '\u30FF' or >= '\u4E00' and <= '\u9FFF')) return "ja";
        if (text.Any(c => "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ".Contains(char.ToLowerInvariant(c), StringComparison.Ordinal))) return "vi";
        var words = text.ToLowerInvariant().Split([' ', ',', '.', '!', '?'], StringSplitOptions.RemoveEmptyEntries);
        if (words.Any(w => w is "xin" or "tôi" or "chào" or "em" or "chị" or "anh" or "không")) return "vi";
        return words.Any(w => w is "po" or "ang" or "ng" or "ako" or "hindi" or "sa") ? "fil" : "en";
    }

    private static Task ErrorAsync(HttpContext context, int status, int code, string message)
    {
        context.Response.StatusCode = status;
        return JsonAsync(context, new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } }, status);
    }

    private static async Task JsonAsync(HttpContext context, JsonNode node, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(node.ToJsonString());
    }

    [GeneratedRegex("""<span\b[^>]*class="notranslate"[^>]*>.*?</span>""", RegexOptions.Singleline)]
    private static partial Regex SpanPattern();

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
