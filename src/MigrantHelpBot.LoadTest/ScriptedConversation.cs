using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace MigrantHelpBot.LoadTest;

/// <summary>
/// One worker's conversation, replaying <see cref="ConsultationScript"/>. Requests are pre-rendered:
/// per turn only the activity id (a counter) and the Content-Length digits are written.
/// </summary>
internal sealed class ScriptedConversation
{
    private static readonly string[] Cycle = ConsultationScript.Cycle;

    private const int MaxDigits = 20;

    // The request line and headers up to the Content-Length value.
    private readonly byte[] _head;
    // {"type":"message","id":"<run>-<conversation>-
    private readonly byte[] _bodyStart;
    // ","channelId":...,"text":"<step text>","deliveryMode":"expectReplies"} per step of the cycle.
    private readonly byte[][] _bodyRest;
    private long _sequence;

    public ScriptedConversation(Uri url, string runId, int index)
    {
        var host = url.IsDefaultPort ? url.Host : $"{url.Host}:{url.Port}";
        _head = Encoding.ASCII.GetBytes(
            $"POST {url.PathAndQuery} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: ");

        var conversationId = $"lt-{runId}-{index}";
        var userId = $"worker-{runId}-{index}";
        _bodyStart = Encoding.UTF8.GetBytes($"{{\"type\":\"message\",\"id\":\"{runId}-{index}-");
        _bodyRest = [.. Cycle.Select(text => Encoding.UTF8.GetBytes(
            $"\",\"channelId\":\"loadtest\",\"serviceUrl\":\"http://127.0.0.1/\",\"conversation\":{{\"id\":\"{conversationId}\"}},"
            + $"\"from\":{{\"id\":\"{userId}\"}},\"recipient\":{{\"id\":\"bot\"}},\"text\":{Quote(text)},\"deliveryMode\":\"expectReplies\"}}"))];
    }

    /// <summary>The largest request this conversation renders.</summary>
    public int MaxRequestBytes => _head.Length + MaxDigits + 4 + _bodyStart.Length + MaxDigits + _bodyRest.Max(r => r.Length);

    /// <summary>Writes the next turn's request into <paramref name="buffer"/>; returns its length.</summary>
    public int RenderNext(Span<byte> buffer)
    {
        var step = (int)(_sequence % Cycle.Length);
        Span<byte> id = stackalloc byte[MaxDigits];
        _sequence++;
        _sequence.TryFormat(id, out var idLength, provider: System.Globalization.CultureInfo.InvariantCulture);
        var rest = _bodyRest[step];
        var bodyLength = _bodyStart.Length + idLength + rest.Length;

        var position = 0;
        _head.CopyTo(buffer);
        position += _head.Length;
        bodyLength.TryFormat(buffer[position..], out var lengthDigits, provider: System.Globalization.CultureInfo.InvariantCulture);
        position += lengthDigits;
        "\r\n\r\n"u8.CopyTo(buffer[position..]);
        position += 4;
        _bodyStart.CopyTo(buffer[position..]);
        position += _bodyStart.Length;
        id[..idLength].CopyTo(buffer[position..]);
        position += idLength;
        rest.CopyTo(buffer[position..]);
        return position + rest.Length;
    }

    private static string Quote(string text) => $"\"{JsonEncodedText.Encode(text, JavaScriptEncoder.UnsafeRelaxedJsonEscaping)}\"";
}
