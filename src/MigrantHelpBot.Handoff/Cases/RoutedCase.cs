using System.Text.Json;
using System.Text.Json.Serialization;
using MigrantHelpBot.Directory.Matching;

namespace MigrantHelpBot.Handoff.Cases;

/// <summary>
/// The <c>case.routed</c> event the router commits and the handoff opens a case from: which event
/// was routed (a <c>case.intake</c> or <c>case.handoff</c>), with what request, and the directory's answer.
/// </summary>
public sealed record RoutedCase(long EventId, string EventKind, MatchRequest Request, MatchResult Result)
{
    public const string Kind = "case.routed";

    public string ToJson() => JsonSerializer.Serialize(this, RoutedCaseJson.Default.RoutedCase);

    public static RoutedCase? FromJson(string json) => JsonSerializer.Deserialize(json, RoutedCaseJson.Default.RoutedCase);
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RoutedCase))]
internal sealed partial class RoutedCaseJson : JsonSerializerContext;
