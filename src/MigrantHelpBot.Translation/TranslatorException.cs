namespace MigrantHelpBot.Translation;

/// <summary>
/// A translation that did not happen. <see cref="Transient"/>: the service is down, slow, busy or
/// answered nonsense (try again later); otherwise it refused the request itself (400, 401, 403).
/// </summary>
public sealed class TranslatorException : Exception
{
    public TranslatorException(string message, int? status = null, int? code = null, bool transient = true, TimeSpan? retryAfter = null, Exception? inner = null)
        : base(message, inner)
    {
        Status = status;
        Code = code;
        Transient = transient;
        RetryAfter = retryAfter;
    }

    public TranslatorException() : this("Translation failed.") { }

    public TranslatorException(string message) : this(message, status: null) { }

    public TranslatorException(string message, Exception inner) : this(message, null, null, true, null, inner) { }

    /// <summary>The HTTP status, when the service answered.</summary>
    public int? Status { get; }

    /// <summary>The service's six-digit error code (status × 1000 + detail), when it gave one.</summary>
    public int? Code { get; }

    public bool Transient { get; }

    public TimeSpan? RetryAfter { get; }
}
