using System.Text.Json.Serialization;
using MigrantHelpBot.Channels.Http;
using MigrantHelpBot.Language.Triage;

namespace MigrantHelpBot.Host.Triage;

/// <summary><c>POST /api/triage</c>: what the classifier reads in a text.</summary>
internal static class TriageApi
{
    public const int MaxTextLength = 4000;

    public static IEndpointRouteBuilder MapTriageApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/triage", ClassifyAsync);
        return app;
    }

    internal static async Task<IResult> ClassifyAsync(HttpContext http, TriageClassifier classifier)
    {
        var (request, problem) = await JsonBody.ReadAsync(http.Request, TriageRequestJson.Default.TriageRequest, 64 * 1024);
        if (problem is not null) return problem;
        if (string.IsNullOrWhiteSpace(request!.Text))
        {
            return Problems.BadRequest("Give the text to classify.", new Dictionary<string, string[]> { ["text"] = ["is required."] });
        }
        if (request.Text.Length > MaxTextLength)
        {
            return Problems.BadRequest("The text is too long.", new Dictionary<string, string[]> { ["text"] = [$"must be at most {MaxTextLength:N0} characters."] });
        }
        return TypedResults.Json(classifier.Classify(request.Text, request.Locale), TriageJsonContext.Default.TriageResult);
    }
}

internal sealed class TriageRequest
{
    [JsonPropertyName("text")] public string? Text { get; set; }

    /// <summary>Optional locale hint (the channel's), used when the text is too short to tell its language.</summary>
    [JsonPropertyName("locale")] public string? Locale { get; set; }
}

[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(TriageRequest))]
internal sealed partial class TriageRequestJson : JsonSerializerContext;
