using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace MigrantHelpBot.Data;

/// <summary>
/// Encryption at rest of personal data: what workers wrote, their answers, state, transcripts, and the
/// references that reach them. Each value is sealed with AES-256-GCM under the current key, with the
/// key's id stored beside it (<c>mhbe1:{keyId}:{base64url(nonce ‖ tag ‖ ciphertext)}</c>) and the column
/// it belongs to as associated data, so a value cannot be moved to another column unnoticed. Values
/// under older keys stay readable while those keys are configured; <see cref="KeyRotation"/> reseals
/// them under the current key in the background. A value without the prefix was written before
/// encryption and is read as it is (and sealed by the rotation).
/// </summary>
public sealed class FieldCipher
{
    public const string Prefix = "mhbe1:";
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly Dictionary<string, byte[]> _keys;

    public FieldCipher(IReadOnlyDictionary<string, byte[]> keys, string currentKeyId)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentException.ThrowIfNullOrWhiteSpace(currentKeyId);
        foreach (var (id, key) in keys)
        {
            if (!IsKeyId(id)) throw new ArgumentException($"Key id '{id}' must be 1–32 lower-case letters, digits or '-'.", nameof(keys));
            if (key.Length != 32) throw new ArgumentException($"Key '{id}' must be 32 bytes (256 bits), not {key.Length}.", nameof(keys));
        }
        if (!keys.ContainsKey(currentKeyId)) throw new ArgumentException($"The current key '{currentKeyId}' is not among the keys.", nameof(currentKeyId));
        _keys = keys.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
        CurrentKeyId = currentKeyId;
        CurrentPrefix = Prefix + currentKeyId + ":";
    }

    /// <summary>
    /// For a database opened directly in this process (tests, benchmarks, tools): a random key that lives as long
    /// as the process. The host never uses it; it builds its cipher from configuration or the key file.
    /// </summary>
    public static FieldCipher ProcessDefault { get; } = new(new Dictionary<string, byte[]> { ["process"] = NewKey() }, "process");

    /// <summary>The key new values are sealed under.</summary>
    public string CurrentKeyId { get; }

    /// <summary>A new random 256-bit key.</summary>
    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(32);

    /// <summary>Seals <paramref name="plain"/> for <paramref name="purpose"/> (the column, e.g. <c>case_events.text</c>); null and "" stay as they are.</summary>
    public string? Protect(string? plain, string purpose)
    {
        if (string.IsNullOrEmpty(plain)) return plain;
        var key = _keys[CurrentKeyId];
        var plainBytes = Encoding.UTF8.GetBytes(plain);
        var sealedBytes = new byte[NonceSize + TagSize + plainBytes.Length];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(key, TagSize))
        {
            aes.Encrypt(nonce, plainBytes, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), Encoding.UTF8.GetBytes(purpose));
        }
        CryptographicOperations.ZeroMemory(plainBytes);
        return CurrentPrefix + Base64Url.EncodeToString(sealedBytes);
    }

    /// <summary>The plain value of <paramref name="stored"/>; a value written before encryption is returned as it is.</summary>
    /// <exception cref="CryptographicException">The key is not configured, or the value was changed or belongs to another column.</exception>
    public string? Unprotect(string? stored, string purpose)
    {
        if (string.IsNullOrEmpty(stored) || !stored.StartsWith(Prefix, StringComparison.Ordinal)) return stored;
        var separator = stored.IndexOf(':', Prefix.Length);
        if (separator < 0) throw new CryptographicException("An encrypted value is malformed.");
        var keyId = stored[Prefix.Length..separator];
        if (!_keys.TryGetValue(keyId, out var key))
        {
            throw new CryptographicException($"A value is encrypted under key '{keyId}', which is not configured (Storage:Encryption:Keys:{keyId}).");
        }
        byte[] sealedBytes;
        try
        {
            sealedBytes = Base64Url.DecodeFromChars(stored.AsSpan(separator + 1));
        }
        catch (FormatException exception)
        {
            throw new CryptographicException("An encrypted value is malformed.", exception);
        }
        if (sealedBytes.Length < NonceSize + TagSize) throw new CryptographicException("An encrypted value is malformed.");
        var plain = new byte[sealedBytes.Length - NonceSize - TagSize];
        using (var aes = new AesGcm(key, TagSize))
        {
            aes.Decrypt(sealedBytes.AsSpan(0, NonceSize), sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), plain, Encoding.UTF8.GetBytes(purpose));
        }
        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>How every value sealed under the current key begins.</summary>
    public string CurrentPrefix { get; }

    /// <summary>True when <paramref name="stored"/> is not sealed under the current key (plain, or an older key).</summary>
    public bool NeedsResealing(string? stored) =>
        !string.IsNullOrEmpty(stored) && !stored.StartsWith(CurrentPrefix, StringComparison.Ordinal);

    // Lower-case letters, digits and '-' only: the id is matched with SQL LIKE, where '_' is a wildcard and SQLite ignores case.
    internal static bool IsKeyId(string id) => id.Length is >= 1 and <= 32 && id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    /// <summary>
    /// The keys from configuration (<c>Storage:Encryption:Keys:{id}</c> = base64 of 32 bytes, <c>Storage:Encryption:CurrentKey</c>),
    /// or else the key file (created on first run with a new key, readable by this user only): the embedded default
    /// runs without secrets, and the database file alone still reveals nothing.
    /// </summary>
    public static FieldCipher FromOptions(EncryptionOptions options, string? contentRoot)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Keys.Values.Any(v => !string.IsNullOrWhiteSpace(v)))
        {
            var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var (id, base64) in options.Keys)
            {
                if (string.IsNullOrWhiteSpace(base64)) continue; // a key removed by an empty value in a later configuration source
                try
                {
                    keys[id] = Convert.FromBase64String(base64);
                }
                catch (FormatException exception)
                {
                    throw new InvalidOperationException($"Storage:Encryption:Keys:{id} is not base64.", exception);
                }
            }
            var current = options.CurrentKey ?? (keys.Count == 1 ? keys.Keys.Single() : throw new InvalidOperationException("Storage:Encryption:CurrentKey must name one of several keys."));
            return new FieldCipher(keys, current);
        }
        return KeyFile.Load(options.KeyFilePath(contentRoot));
    }

    /// <summary>The key file of the embedded default: <c>{"current":"k…","keys":{"k…":"base64"}}</c>.</summary>
    internal static class KeyFile
    {
        public static FieldCipher Load(string path)
        {
            var json = PrivateFile.ReadOrCreate(path, () =>
            {
                var id = "k" + DateTimeOffset.UtcNow.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
                return JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["current"] = id,
                    ["keys"] = new Dictionary<string, string> { [id] = Convert.ToBase64String(NewKey()) },
                });
            });
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var keys = root.GetProperty("keys").EnumerateObject().ToDictionary(p => p.Name, p => Convert.FromBase64String(p.Value.GetString()!), StringComparer.Ordinal);
            return new FieldCipher(keys, root.GetProperty("current").GetString()!);
        }
    }
}

/// <summary>A secret file of the embedded default (a key file), readable by this user only.</summary>
internal static class PrivateFile
{
    /// <summary>
    /// The file's text; if it does not exist, <paramref name="create"/>'s text is written first, whole, under another
    /// name and then moved into place, so a replica starting at the same moment reads either theirs or ours, never half.
    /// </summary>
    public static string ReadOrCreate(string path, Func<string> create)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (!File.Exists(path))
        {
            var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(Encoding.UTF8.GetBytes(create()));
            }
            try
            {
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temporary); // another process created it first: use theirs
            }
        }
        return File.ReadAllText(path);
    }
}

/// <summary>The columns that hold personal data, each sealed with its name as associated data.</summary>
public static class SealedColumns
{
    public const string State = "bot_state.data";
    public const string Activity = "activity_log.activity";
    public const string Outbox = "outbox.payload";
    public const string Event = "domain_events.payload";
    public const string Case = "cases.data";
    public const string CaseEventText = "case_events.text";
    public const string CaseEventData = "case_events.data";
    public const string Translation = "case_translations.text";
    public const string Setting = "settings.value";
    public const string ChannelAddress = "channel_users.address";

    /// <summary>Every sealed column (its purpose is <c>table.column</c>) with the columns that find its row: what <see cref="KeyRotation"/> reseals.</summary>
    public static readonly IReadOnlyList<(string Purpose, string[] RowKey)> All =
    [
        (State, ["key"]),
        (Activity, ["conversation_key", "seq"]),
        (Outbox, ["id"]),
        (Event, ["id"]),
        (Case, ["id"]),
        (CaseEventText, ["id"]),
        (CaseEventData, ["id"]),
        (Translation, ["case_id", "source", "target"]),
        (Setting, ["key"]),
        (ChannelAddress, ["channel", "user_id"]),
    ];
}

/// <summary>Configuration section <c>Storage:Encryption</c>.</summary>
public sealed class EncryptionOptions
{
    public const string Section = "Storage:Encryption";

    /// <summary>Key id → base64 of a 32-byte key. Keep old keys here until <see cref="KeyRotation"/> has resealed everything.</summary>
    public Dictionary<string, string> Keys { get; set; } = [];

    /// <summary>The key new values are sealed under (may be omitted when there is one key).</summary>
    public string? CurrentKey { get; set; }

    /// <summary>Used when no keys are configured: the key file (relative to the content root), created on first run.</summary>
    public string KeyFile { get; set; } = Path.Combine("data", "encryption-keys.json");

    /// <summary><see cref="KeyFile"/> as a full path (a relative one is under <paramref name="contentRoot"/>).</summary>
    public string KeyFilePath(string? contentRoot) =>
        Path.IsPathRooted(KeyFile) ? KeyFile : Path.Combine(contentRoot ?? AppContext.BaseDirectory, KeyFile);

    /// <summary>
    /// Base64 of the 32-byte key of <see cref="Pseudonyms"/>: required with configured <see cref="Keys"/>; otherwise the
    /// file <c>pseudonym-key</c> beside <see cref="KeyFile"/>. Never rotated.
    /// </summary>
    public string? PseudonymKey { get; set; }
}
