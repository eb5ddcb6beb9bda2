using System.Security.Cryptography;
using System.Text;

namespace MigrantHelpBot.Data;

/// <summary>
/// Keyed pseudonyms for the platform accounts that reach a worker (a LINE user id, a Messenger PSID):
/// <c>ps1-</c> and 32 hex digits of HMAC-SHA256 under a key of its own. Conversation keys, user state,
/// the inbound queue and <c>channel_users</c> hold only the pseudonym, so a copy of the database does
/// not tell which account wrote; the real id lives only sealed (<see cref="SealedColumns.ChannelAddress"/>),
/// where the senders read it. The same account always gets the same pseudonym, on every replica, so the
/// key is never rotated: losing or changing it would cut every worker off from their conversation.
/// </summary>
public sealed class Pseudonyms
{
    public const string Prefix = "ps1-";

    /// <summary>The channels whose user ids are platform accounts (Direct Line and Web Chat ids are ours, random).</summary>
    public static readonly IReadOnlyList<string> Channels = ["line", "messenger"];

    private readonly byte[] _key;

    public Pseudonyms(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length != 32) throw new ArgumentException($"The pseudonym key must be 32 bytes (256 bits), not {key.Length}.", nameof(key));
        _key = key.ToArray();
    }

    /// <summary>For a database opened directly in this process (tests, benchmarks, tools): a random key for the process's life.</summary>
    public static Pseudonyms ProcessDefault { get; } = new(FieldCipher.NewKey());

    /// <summary>The pseudonym of <paramref name="accountId"/> on <paramref name="channel"/> (the same id on two channels gives two pseudonyms).</summary>
    public string Of(string channel, string accountId)
    {
        ArgumentException.ThrowIfNullOrEmpty(channel);
        ArgumentException.ThrowIfNullOrEmpty(accountId);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(channel + "\n" + accountId), mac);
        return Prefix + Convert.ToHexStringLower(mac[..16]);
    }

    /// <summary>True for a pseudonym; false for a real account id (as stored before pseudonyms existed).</summary>
    public static bool IsPseudonym(string? id) =>
        id is { Length: 36 } && id.StartsWith(Prefix, StringComparison.Ordinal) && !id.AsSpan(Prefix.Length).ContainsAnyExcept(HexDigits);

    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdef");

    /// <summary>The pseudonym for an id that may be one already (an address stored before pseudonyms existed).</summary>
    public string Normalize(string channel, string id) => IsPseudonym(id) ? id : Of(channel, id);

    /// <summary>
    /// The key from configuration (<c>Storage:Encryption:PseudonymKey</c>, base64 of 32 bytes); required when the
    /// encryption keys come from configuration. Otherwise the key file beside the encryption key file
    /// (<c>pseudonym-key</c>, created on first run, readable by this user only).
    /// </summary>
    public static Pseudonyms FromOptions(EncryptionOptions options, string? contentRoot)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.PseudonymKey)) return new Pseudonyms(Decode(options.PseudonymKey, "Storage:Encryption:PseudonymKey"));
        if (options.Keys.Values.Any(v => !string.IsNullOrWhiteSpace(v)))
        {
            throw new InvalidOperationException(
                "Storage:Encryption:PseudonymKey is required when the encryption keys come from configuration (base64 of 32 random bytes, " +
                "kept in the same secret store). It is never rotated: changing it cuts every worker off from their conversation.");
        }
        var path = Path.Combine(Path.GetDirectoryName(options.KeyFilePath(contentRoot))!, "pseudonym-key");
        return new Pseudonyms(Decode(PrivateFile.ReadOrCreate(path, () => Convert.ToBase64String(FieldCipher.NewKey()) + "\n").Trim(), path));
    }

    private static byte[] Decode(string base64, string source)
    {
        try
        {
            return Convert.FromBase64String(base64);
        }
        catch (FormatException exception)
        {
            throw new InvalidOperationException($"{source} is not base64.", exception);
        }
    }
}
