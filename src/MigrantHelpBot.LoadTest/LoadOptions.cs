using System.Globalization;

namespace MigrantHelpBot.LoadTest;

/// <summary>What to run, from the command line.</summary>
internal sealed class LoadOptions
{
    public const string Usage = """
        MigrantHelpBot.LoadTest: drives POST /api/messages (deliveryMode expectReplies) in a closed loop,
        or, with --line, POST /api/line/webhook in an open loop against a fake LINE API of its own.

        Options:
          --url URL             endpoint (default http://127.0.0.1:5080/api/messages, with --line
                                http://127.0.0.1:5080/api/line/webhook); loopback only
          --connections N       keep-alive connections, one request in flight each (default 64)
          --conversations N     conversations, each owned by one connection (default 256; >= connections)
          --duration S          measured seconds (default 20)
          --warmup S            seconds sent before measuring, not counted (default 5)
          --timeout S           a request slower than this fails and its connection is reopened (default 10)
          --host-pid PID        also report the CPU time this process (the host) used while measuring
          --run-id ID           prefix of conversation and user ids (default: random, so runs never collide)
          --json                also print one machine-readable summary line (JSON) at the end
          --help                this text

        LINE mode (--line): signed webhooks, one text message event each, sent at a fixed rate whatever
        the answers; the bot's replies are received by a fake LINE API on 127.0.0.1 (start the host with
        --Line:ApiBaseUrl=http://127.0.0.1:<api-port>). --connections and --conversations do not apply.
          --line                drive the LINE webhook instead
          --secret S            the host's Line:ChannelSecret (signs every request; required with --line)
          --rate N              webhooks per second (default 500)
          --users N             LINE users, taking turns in order (default 2000)
          --api-port N          port of the fake LINE API on 127.0.0.1 (default 5081)
          --drain S             after sending stops, wait this long at most for the replies (default 60)

        Exit code: 0 when every measured turn succeeded (with --line: every measured webhook was
        acknowledged and answered), 1 when some failed, 2 on bad arguments or no server.
        """;

    public Uri Url { get; private set; } = new("http://127.0.0.1:5080/api/messages");
    public int Connections { get; private set; } = 64;
    public int Conversations { get; private set; } = 256;
    public int DurationSeconds { get; private set; } = 20;
    public int WarmupSeconds { get; private set; } = 5;
    public int TimeoutSeconds { get; private set; } = 10;
    public int? HostPid { get; private set; }
    public string RunId { get; private set; } = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray().AsSpan(0, 4));
    public bool Json { get; private set; }
    public bool Help { get; private set; }

    public bool Line { get; private set; }
    public string? Secret { get; private set; }
    public int Rate { get; private set; } = 500;
    public int Users { get; private set; } = 2000;
    public int ApiPort { get; private set; } = 5081;
    public int DrainSeconds { get; private set; } = 60;

    /// <summary>Parses <paramref name="args"/>; on failure returns null and says why in <paramref name="error"/>.</summary>
    public static LoadOptions? Parse(string[] args, out string? error)
    {
        var options = new LoadOptions();
        var urlGiven = false;
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            switch (name)
            {
                case "--json":
                    options.Json = true;
                    continue;
                case "--help" or "-h":
                    options.Help = true;
                    continue;
                case "--line":
                    options.Line = true;
                    continue;
            }

            if (i + 1 >= args.Length)
            {
                error = $"{name} needs a value (or is unknown).";
                return null;
            }
            var value = args[++i];
            switch (name)
            {
                case "--url":
                    if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttp)
                    {
                        error = $"--url must be an absolute http:// URL, not '{value}'.";
                        return null;
                    }
                    options.Url = url;
                    urlGiven = true;
                    break;
                case "--connections":
                    if (!TryPositive(name, value, out var connections, ref error)) return null;
                    options.Connections = connections;
                    break;
                case "--conversations":
                    if (!TryPositive(name, value, out var conversations, ref error)) return null;
                    options.Conversations = conversations;
                    break;
                case "--duration":
                    if (!TryPositive(name, value, out var duration, ref error)) return null;
                    options.DurationSeconds = duration;
                    break;
                case "--warmup":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var warmup))
                    {
                        error = $"--warmup must be a whole number of seconds (0 or more), not '{value}'.";
                        return null;
                    }
                    options.WarmupSeconds = warmup;
                    break;
                case "--timeout":
                    if (!TryPositive(name, value, out var timeout, ref error)) return null;
                    options.TimeoutSeconds = timeout;
                    break;
                case "--host-pid":
                    if (!TryPositive(name, value, out var pid, ref error)) return null;
                    options.HostPid = pid;
                    break;
                case "--run-id":
                    if (value.Length is 0 or > 32 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
                    {
                        error = "--run-id must be 1-32 ASCII letters, digits or '-'.";
                        return null;
                    }
                    options.RunId = value;
                    break;
                case "--secret":
                    if (value.Length == 0)
                    {
                        error = "--secret must not be empty.";
                        return null;
                    }
                    options.Secret = value;
                    break;
                case "--rate":
                    if (!TryPositive(name, value, out var rate, ref error)) return null;
                    options.Rate = rate;
                    break;
                case "--users":
                    if (!TryPositive(name, value, out var users, ref error)) return null;
                    options.Users = users;
                    break;
                case "--api-port":
                    if (!TryPositive(name, value, out var port, ref error)) return null;
                    if (port > 65535)
                    {
                        error = $"--api-port must be a TCP port (1-65535), not '{value}'.";
                        return null;
                    }
                    options.ApiPort = port;
                    break;
                case "--drain":
                    if (!TryPositive(name, value, out var drain, ref error)) return null;
                    options.DrainSeconds = drain;
                    break;
                default:
                    error = $"Unknown option '{name}'.";
                    return null;
            }
        }

        if (options.Line)
        {
            if (options.Secret is null)
            {
                error = "--line needs --secret (the host's Line:ChannelSecret).";
                return null;
            }
            if (!urlGiven) options.Url = new Uri("http://127.0.0.1:5080/api/line/webhook");
            if (options.Url.Port == options.ApiPort)
            {
                error = $"--api-port ({options.ApiPort}) is the webhook's port.";
                return null;
            }
            return options;
        }
        if (options.Conversations < options.Connections)
        {
            error = $"--conversations ({options.Conversations}) must be at least --connections ({options.Connections}): a conversation has one request in flight at a time.";
            return null;
        }
        return options;
    }

    private static bool TryPositive(string name, string value, out int result, ref string? error)
    {
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out result) && result > 0) return true;
        error = $"{name} must be a positive whole number, not '{value}'.";
        return false;
    }
}
