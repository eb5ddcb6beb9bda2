using System.Collections.Concurrent;
using MigrantHelpBot.Bot.Storage;

namespace MigrantHelpBot.Bot.State;

/// <summary>
/// Last committed state per key, so a turn need not read the database. It is only a hint: every
/// write still carries the eTag it read, so a stale entry (another replica wrote) ends in a
/// conflict, the entry is dropped and the turn re-runs on fresh state.
/// </summary>
internal sealed class StateCache(int capacity)
{
    private readonly ConcurrentDictionary<string, StoreItem?> _items = new(StringComparer.Ordinal);

    /// <summary>True when the key's state is known; <paramref name="item"/> null means "does not exist".</summary>
    public bool TryGet(string key, out StoreItem? item) => _items.TryGetValue(key, out item);

    public void Set(string key, StoreItem? item)
    {
        if (capacity <= 0) return;
        if (_items.Count >= capacity && !_items.ContainsKey(key)) Trim();
        _items[key] = item;
    }

    public void Remove(string key) => _items.TryRemove(key, out _);

    private void Trim()
    {
        // Drop about a quarter of the entries; which ones matters little, they reload on demand.
        var drop = Math.Max(1, capacity / 4);
        foreach (var key in _items.Keys)
        {
            if (drop-- <= 0) break;
            _items.TryRemove(key, out _);
        }
    }
}
