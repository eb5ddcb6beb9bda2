using System.Text.Json.Serialization.Metadata;

namespace MigrantHelpBot.Bot.State;

/// <summary>
/// A named, typed slot in conversation or user state. Values are stored as JSON through their
/// source-generated <see cref="JsonTypeInfo{T}"/>, so a value always comes back as the type it was
/// written as (no Int64-for-int surprises after a database round trip).
/// </summary>
public sealed class StateProperty<T>(string name, JsonTypeInfo<T> typeInfo)
    where T : class, new()
{
    public string Name { get; } = name;
    public JsonTypeInfo<T> TypeInfo { get; } = typeInfo;
}
