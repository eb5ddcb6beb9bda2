namespace MigrantHelpBot.Language.Lexicons;

/// <summary>
/// Every plain string one lexicon looks for, found in a single pass over a text (Aho–Corasick), so
/// classifying a message costs one scan per lexicon instead of one search per term. Terms are added
/// while the lexicon loads; <see cref="Build"/> freezes the set before the first scan.
/// </summary>
public sealed class NeedleSet
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly List<string> _needles = [];
    private Dictionary<(int Node, char Character), int> _next = [];
    private int[] _fail = [];
    private int[] _outputLink = [];
    private int[][] _outputs = [];
    private bool _built;

    public int Count => _needles.Count;

    /// <summary>The id of <paramref name="needle"/>, added if new.</summary>
    public int Add(string needle)
    {
        ArgumentException.ThrowIfNullOrEmpty(needle);
        if (_built) throw new InvalidOperationException("The needle set is already built.");
        if (_ids.TryGetValue(needle, out var id)) return id;
        _ids[needle] = _needles.Count;
        _needles.Add(needle);
        return _needles.Count - 1;
    }

    /// <summary>Builds the automaton: a trie of the needles with failure links (breadth first).</summary>
    public void Build()
    {
        var next = new Dictionary<(int, char), int>();
        var outputs = new List<List<int>> { new() };
        var children = new List<List<(char, int)>> { new() };
        for (var id = 0; id < _needles.Count; id++)
        {
            var node = 0;
            foreach (var c in _needles[id])
            {
                if (!next.TryGetValue((node, c), out var child))
                {
                    child = outputs.Count;
                    outputs.Add([]);
                    children.Add([]);
                    next[(node, c)] = child;
                    children[node].Add((c, child));
                }
                node = child;
            }
            outputs[node].Add(id);
        }

        var fail = new int[outputs.Count];
        var outputLink = new int[outputs.Count];
        Array.Fill(outputLink, -1);
        var queue = new Queue<int>();
        foreach (var (_, child) in children[0])
        {
            fail[child] = 0;
            queue.Enqueue(child);
        }
        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            foreach (var (c, child) in children[node])
            {
                fail[child] = Step(next, fail, fail[node], c);
                outputLink[child] = outputs[fail[child]].Count > 0 ? fail[child] : outputLink[fail[child]];
                queue.Enqueue(child);
            }
        }

        _next = next;
        _fail = fail;
        _outputLink = outputLink;
        _outputs = [.. outputs.Select(o => o.ToArray())];
        _built = true;
    }

    /// <summary>From <paramref name="state"/>, reading <paramref name="c"/>: the longest needle prefix that the text now ends with.</summary>
    private static int Step(Dictionary<(int, char), int> next, int[] fail, int state, char c)
    {
        while (true)
        {
            if (next.TryGetValue((state, c), out var target)) return target;
            if (state == 0) return 0;
            state = fail[state];
        }
    }

    /// <summary>Which needles occur in <paramref name="text"/>: found[id].</summary>
    public bool[] Scan(string text) => ScanHits(text).Found;

    /// <summary>Which needles occur in <paramref name="text"/>: as found[id], and the ids found, in the order first seen.</summary>
    public NeedleHits ScanHits(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!_built) throw new InvalidOperationException("Build the needle set before scanning.");
        var found = new bool[_needles.Count];
        var ids = new List<int>();
        var state = 0;
        foreach (var c in text)
        {
            state = Step(_next, _fail, state, c);
            for (var node = state; node > 0; node = _outputLink[node])
            {
                foreach (var id in _outputs[node])
                {
                    if (found[id]) continue;
                    found[id] = true;
                    ids.Add(id);
                }
            }
        }
        return new NeedleHits(found, ids);
    }
}

/// <summary>The needles a scan found: <see cref="Found"/>[id] for a look-up, <see cref="Ids"/> to walk them.</summary>
public sealed record NeedleHits(bool[] Found, IReadOnlyList<int> Ids);
