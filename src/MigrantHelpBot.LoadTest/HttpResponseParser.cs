using System.Buffers.Text;

namespace MigrantHelpBot.LoadTest;

internal enum ParseStatus { Incomplete, Complete, Invalid }

/// <summary>Where a complete response's parts are. A chunked body is copied, de-chunked, into the scratch buffer.</summary>
internal readonly record struct HttpResponse(int StatusCode, int Consumed, bool BodyInScratch, int BodyOffset, int BodyLength, bool Close);

/// <summary>
/// Just enough HTTP/1.1 to drive a keep-alive connection: the status line, Content-Length or
/// chunked transfer coding, and Connection: close. Everything else is skipped.
/// </summary>
internal static class HttpResponseParser
{
    public static ParseStatus TryParse(ReadOnlySpan<byte> data, ref byte[] scratch, out HttpResponse response)
    {
        response = default;
        var headerEnd = data.IndexOf("\r\n\r\n"u8);
        if (headerEnd < 0) return ParseStatus.Incomplete;

        // HTTP/1.1 200 OK
        if (headerEnd < 12 || !data.StartsWith("HTTP/1."u8) || data[8] != (byte)' '
            || !Utf8Parser.TryParse(data.Slice(9, 3), out int status, out var statusDigits) || statusDigits != 3)
        {
            return ParseStatus.Invalid;
        }

        long contentLength = -1;
        var chunked = false;
        var close = false;
        var headers = data[..headerEnd];
        var lineStart = headers.IndexOf("\r\n"u8);
        while (lineStart >= 0 && lineStart < headers.Length)
        {
            var rest = headers[(lineStart + 2)..];
            var lineLength = rest.IndexOf("\r\n"u8);
            var line = lineLength < 0 ? rest : rest[..lineLength];
            lineStart = lineLength < 0 ? -1 : lineStart + 2 + lineLength;

            var colon = line.IndexOf((byte)':');
            if (colon <= 0) return ParseStatus.Invalid;
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (name.EqualsAsciiIgnoreCase("Content-Length"u8))
            {
                if (!Utf8Parser.TryParse(value, out contentLength, out var used) || used != value.Length || contentLength < 0) return ParseStatus.Invalid;
            }
            else if (name.EqualsAsciiIgnoreCase("Transfer-Encoding"u8))
            {
                chunked = value.ContainsAsciiIgnoreCase("chunked"u8);
            }
            else if (name.EqualsAsciiIgnoreCase("Connection"u8))
            {
                close = value.ContainsAsciiIgnoreCase("close"u8);
            }
        }

        var bodyStart = headerEnd + 4;
        if (chunked) return TryDechunk(data, bodyStart, ref scratch, status, close, out response);

        if (contentLength < 0)
        {
            // No framing: only bodiless responses can be kept alive.
            if (status is 204 or 304 or (>= 100 and < 200))
            {
                response = new HttpResponse(status, bodyStart, false, bodyStart, 0, close);
                return ParseStatus.Complete;
            }
            return ParseStatus.Invalid;
        }
        if (data.Length - bodyStart < contentLength) return ParseStatus.Incomplete;
        response = new HttpResponse(status, bodyStart + (int)contentLength, false, bodyStart, (int)contentLength, close);
        return ParseStatus.Complete;
    }

    private static ParseStatus TryDechunk(ReadOnlySpan<byte> data, int position, ref byte[] scratch, int status, bool close, out HttpResponse response)
    {
        response = default;
        var length = 0;
        while (true)
        {
            var lineEnd = data[position..].IndexOf("\r\n"u8);
            if (lineEnd < 0) return ParseStatus.Incomplete;
            var sizeText = data.Slice(position, lineEnd);
            var extension = sizeText.IndexOf((byte)';');
            if (extension >= 0) sizeText = sizeText[..extension];
            if (!Utf8Parser.TryParse(sizeText.Trim((byte)' '), out int size, out var used, 'x') || used == 0 || size < 0) return ParseStatus.Invalid;
            position += lineEnd + 2;

            if (size == 0)
            {
                // Trailers (none expected) end with an empty line.
                var trailerEnd = data[position..].IndexOf("\r\n"u8);
                while (trailerEnd > 0)
                {
                    position += trailerEnd + 2;
                    trailerEnd = data[position..].IndexOf("\r\n"u8);
                }
                if (trailerEnd < 0) return ParseStatus.Incomplete;
                response = new HttpResponse(status, position + 2, true, 0, length, close);
                return ParseStatus.Complete;
            }

            if (data.Length - position < size + 2) return ParseStatus.Incomplete;
            if (scratch.Length < length + size) Array.Resize(ref scratch, Math.Max(scratch.Length * 2, length + size));
            data.Slice(position, size).CopyTo(scratch.AsSpan(length));
            length += size;
            position += size;
            if (!data[position..].StartsWith("\r\n"u8)) return ParseStatus.Invalid;
            position += 2;
        }
    }

    /// <summary>True when <paramref name="body"/> is an ExpectedReplies object with at least one activity.</summary>
    public static bool HasReplies(ReadOnlySpan<byte> body)
    {
        var marker = "\"activities\":["u8;
        var at = body.IndexOf(marker);
        if (at < 0) return false;
        var after = body[(at + marker.Length)..].TrimStart(" \r\n\t"u8);
        return after.Length > 0 && after[0] == (byte)'{';
    }

    /// <summary>Message activities in an expectReplies body, as the host writes them (type first).</summary>
    public static int CountMessages(ReadOnlySpan<byte> body)
    {
        var marker = "{\"type\":\"message\""u8;
        var count = 0;
        for (var at = body.IndexOf(marker); at >= 0; at = body.IndexOf(marker))
        {
            count++;
            body = body[(at + marker.Length)..];
        }
        return count;
    }

    private static bool EqualsAsciiIgnoreCase(this ReadOnlySpan<byte> value, ReadOnlySpan<byte> expected) =>
        System.Text.Ascii.EqualsIgnoreCase(value, expected);

    private static bool ContainsAsciiIgnoreCase(this ReadOnlySpan<byte> value, ReadOnlySpan<byte> expected)
    {
        for (var i = 0; i + expected.Length <= value.Length; i++)
        {
            if (System.Text.Ascii.EqualsIgnoreCase(value.Slice(i, expected.Length), expected)) return true;
        }
        return false;
    }
}
