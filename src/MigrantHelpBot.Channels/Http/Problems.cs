using Microsoft.AspNetCore.Http;

namespace MigrantHelpBot.Channels.Http;

/// <summary>The ProblemDetails answers our endpoints give; each names the problem and changes nothing.</summary>
public static class Problems
{
    public static IResult BadRequest(string detail, IDictionary<string, string[]>? errors = null) =>
        errors is { Count: > 0 }
            ? TypedResults.ValidationProblem(errors, detail, title: "The request is not valid.")
            : TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "The request is not valid.");

    public static IResult UnsupportedMediaType(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type.");

    public static IResult TooLarge(int maxBytes) =>
        TypedResults.Problem($"The body is larger than {maxBytes:N0} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge, title: "The request is too large.");

    public static IResult Unauthorized(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Not authenticated.");

    public static IResult Forbidden(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status403Forbidden, title: "Not allowed.");

    public static IResult NotFound(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status404NotFound, title: "Not found.");

    /// <summary>Storage down or a turn that kept losing its eTag race: nothing was lost; retry.</summary>
    public static IResult Unavailable(HttpContext context, string detail)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Headers.RetryAfter = "1";
        return TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Try again shortly.");
    }
}
