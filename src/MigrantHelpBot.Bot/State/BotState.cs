using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace MigrantHelpBot.Bot.State;

/// <summary>
/// One scope of state (a conversation or a user) as loaded for a turn: a JSON object whose
/// properties are read through typed <see cref="StateProperty{T}"/> accessors. Properties a turn
/// never touches are written back byte for byte.
/// </summary>
public sealed class BotState
{
    private readonly Dictionary<string, JsonElement> _stored = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (object Value, JsonTypeInfo TypeInfo)> _live = new(StringComparer.Ordinal);
    private readonly HashSet<string> _removed = new(StringComparer.Ordinal);

    public BotState(string key, string? json, string? eTag)
    {
        Key = key;
        LoadedJson = json;
        ETag = eTag;
        if (string.IsNullOrEmpty(json)) return;
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object) return;
        foreach (var property in document.RootElement.EnumerateObject())
        {
            _stored[property.Name] = property.Value.Clone();
        }
    }

    /// <summary>The storage key, e.g. <c>directline/conversations/abc</c>.</summary>
    public string Key { get; }

    /// <summary>The eTag the state was read with; null when it did not exist.</summary>
    public string? ETag { get; }

    internal string? LoadedJson { get; }

    /// <summary>The value of <paramref name="property"/>, created empty if absent.</summary>
    public T Get<T>(StateProperty<T> property) where T : class, new()
    {
        if (TryGet(property, out var value)) return value;
        value = new T();
        Set(property, value);
        return value;
    }

    public bool TryGet<T>(StateProperty<T> property, out T value) where T : class, new()
    {
        if (_live.TryGetValue(property.Name, out var live))
        {
            value = (T)live.Value;
            return true;
        }
        if (!_removed.Contains(property.Name) && _stored.TryGetValue(property.Name, out var element))
        {
            value = element.Deserialize(property.TypeInfo) ?? new T();
            _live[property.Name] = (value, property.TypeInfo);
            return true;
        }
        value = null!;
        return false;
    }

    public void Set<T>(StateProperty<T> property, T value) where T : class, new()
    {
        ArgumentNullException.ThrowIfNull(value);
        _removed.Remove(property.Name);
        _live[property.Name] = (value, property.TypeInfo);
    }

    public void Remove(string name)
    {
        _live.Remove(name);
        _removed.Add(name);
    }

    /// <summary>Forgets every property: the scope is deleted when the turn commits.</summary>
    public void Clear()
    {
        foreach (var name in _stored.Keys) _removed.Add(name);
        foreach (var name in _live.Keys) _removed.Add(name);
        _live.Clear();
    }

    /// <summary>The JSON to store, or null when it equals what was loaded. <c>""</c> means delete.</summary>
    internal string? SerializeIfChanged()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        var count = 0;
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, element) in _stored)
            {
                if (_removed.Contains(name) || _live.ContainsKey(name)) continue;
                writer.WritePropertyName(name);
                element.WriteTo(writer);
                count++;
            }
            foreach (var (name, (value, typeInfo)) in _live)
            {
                writer.WritePropertyName(name);
                JsonSerializer.Serialize(writer, value, typeInfo);
                count++;
            }
            writer.WriteEndObject();
        }

        if (count == 0) return LoadedJson is null ? null : string.Empty;
        var json = Encoding.UTF8.GetString(buffer.WrittenSpan);
        return string.Equals(json, LoadedJson, StringComparison.Ordinal) ? null : json;
    }
}
