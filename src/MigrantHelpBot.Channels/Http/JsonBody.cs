using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace MigrantHelpBot.Channels.Http;

/// <summary>
/// Reads a JSON request body with explicit limits, so bad input always gets a 4xx with a
/// ProblemDetails body (415 wrong content type, 413 too large, 400 malformed) and never a 500.
/// </summary>
public static class JsonBody
{
    public const int DefaultMaxBytes = 1024 * 1024;

    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(
        HttpRequest request, JsonTypeInfo<T> typeInfo, int maxBytes = DefaultMaxBytes, bool allowEmpty = false)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(request);
        if (allowEmpty && request.ContentLength == 0) return (null, null);
        if (!IsJson(request.ContentType))
        {
            if (allowEmpty && request.ContentType is null && request.ContentLength is null or 0) return (null, null);
            return (null, Problems.UnsupportedMediaType("The body must be JSON (Content-Type: application/json)."));
        }
        var (body, problem) = await ReadRawAsync(request, maxBytes);
        if (problem is not null) return (null, problem);
        if (body!.Length == 0) return allowEmpty ? (null, null) : (null, Problems.BadRequest("The request body is empty."));
        return Parse(body, typeInfo);
    }

    /// <summary>Parses a body already read (a signed webhook's raw bytes): 400 when it is not valid JSON for <typeparamref name="T"/>.</summary>
    public static (T? Value, IResult? Problem) Parse<T>(ReadOnlySpan<byte> body, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        try
        {
            var value = JsonSerializer.Deserialize(body, typeInfo);
            return value is null ? (null, Problems.BadRequest("The body must be a JSON object, not null.")) : (value, null);
        }
        catch (JsonException exception)
        {
            return (null, Problems.BadRequest($"The body is not valid JSON for this endpoint: {Describe(exception)}"));
        }
    }

    /// <summary>The request body's bytes exactly as sent (what a webhook signature covers), up to <paramref name="maxBytes"/> (else 413).</summary>
    public static async Task<(byte[]? Body, IResult? Problem)> ReadRawAsync(HttpRequest request, int maxBytes = DefaultMaxBytes)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ContentLength > maxBytes) return (null, Problems.TooLarge(maxBytes));

        var initial = request.ContentLength is long declared ? (int)Math.Min(declared + 1, maxBytes + 1L) : Math.Min(16 * 1024, maxBytes + 1);
        var buffer = ArrayPool<byte>.Shared.Rent(initial);
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length > maxBytes) return (null, Problems.TooLarge(maxBytes));
                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(maxBytes + 1, buffer.Length * 2));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                int read;
                try
                {
                    read = await request.Body.ReadAsync(buffer.AsMemory(length, buffer.Length - length), request.HttpContext.RequestAborted);
                }
                catch (BadHttpRequestException exception)
                {
                    return (null, exception.StatusCode == StatusCodes.Status413PayloadTooLarge
                        ? Problems.TooLarge(maxBytes)
                        : Problems.BadRequest("The request body could not be read."));
                }
                if (read == 0) break;
                length += read;
                if (length > maxBytes) return (null, Problems.TooLarge(maxBytes));
            }
            return (buffer.AsSpan(0, length).ToArray(), null);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static bool IsJson(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType)) return false;
        var mediaType = contentType.Split(';', 2)[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (mediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    // The exception's own message names the path and position; it never quotes the payload.
    private static string Describe(JsonException exception) =>
        exception.Path is { Length: > 0 } path ? $"problem at {path} (line {exception.LineNumber}, byte {exception.BytePositionInLine})." : "the JSON is malformed.";
}
