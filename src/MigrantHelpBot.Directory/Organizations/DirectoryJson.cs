using System.Text.Json;
using System.Text.Json.Serialization;
using MigrantHelpBot.Directory.Matching;

namespace MigrantHelpBot.Directory.Organizations;

/// <summary>The directory's JSON: camelCase, unknown members rejected (a typo is an error, not a silently dropped field).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Organization))]
[JsonSerializable(typeof(List<Organization>))]
[JsonSerializable(typeof(MatchRequest))]
[JsonSerializable(typeof(MatchResult))]
[JsonSerializable(typeof(List<CoverageGap>))]
[JsonSerializable(typeof(List<AuditEntry>))]
public sealed partial class DirectoryJson : JsonSerializerContext;
