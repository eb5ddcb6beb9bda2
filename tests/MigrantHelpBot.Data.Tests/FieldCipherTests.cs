using System.Security.Cryptography;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Data.Tests;

/// <summary>AES-GCM sealing of personal data at rest: key ids, columns bound in, tampering and missing keys refused.</summary>
public sealed class FieldCipherTests
{
    private static readonly byte[] K1 = FieldCipher.NewKey();
    private static readonly byte[] K2 = FieldCipher.NewKey();

    private static FieldCipher Cipher(string current, params (string Id, byte[] Key)[] keys) =>
        new(keys.ToDictionary(k => k.Id, k => k.Key), current);

    [Fact]
    public void A_value_is_sealed_with_its_key_id_and_read_back_only_for_its_column()
    {
        var cipher = Cipher("k1", ("k1", K1));
        const string Text = "Chủ giữ hộ chiếu của tôi";
        var sealedText = cipher.Protect(Text, SealedColumns.CaseEventText)!;
        Assert.StartsWith("mhbe1:k1:", sealedText);
        Assert.DoesNotContain("hộ chiếu", sealedText);
        Assert.NotEqual(sealedText, cipher.Protect(Text, SealedColumns.CaseEventText)); // a fresh nonce each time
        Assert.Equal(Text, cipher.Unprotect(sealedText, SealedColumns.CaseEventText));
        Assert.Throws<AuthenticationTagMismatchException>(() => cipher.Unprotect(sealedText, SealedColumns.Case)); // moved to another column

        var tampered = sealedText[..^3] + (sealedText[^3] == 'A' ? 'B' : 'A') + sealedText[^2..];
        Assert.ThrowsAny<CryptographicException>(() => cipher.Unprotect(tampered, SealedColumns.CaseEventText));
        Assert.ThrowsAny<CryptographicException>(() => cipher.Unprotect("mhbe1:k1:@@@", SealedColumns.CaseEventText));
        Assert.Null(cipher.Protect(null, SealedColumns.State));
        Assert.Equal("", cipher.Protect("", SealedColumns.State));
        Assert.Equal("{\"written\":\"before encryption\"}", cipher.Unprotect("{\"written\":\"before encryption\"}", SealedColumns.State));
    }

    [Fact]
    public void Old_keys_keep_reading_while_new_values_use_the_current_key_and_a_missing_key_is_named()
    {
        var before = Cipher("k1", ("k1", K1));
        var old = before.Protect("old", SealedColumns.State)!;
        var after = Cipher("k2", ("k1", K1), ("k2", K2));
        Assert.Equal("old", after.Unprotect(old, SealedColumns.State));
        Assert.True(after.NeedsResealing(old));
        Assert.True(after.NeedsResealing("plain"));
        var resealed = after.Protect("old", SealedColumns.State)!;
        Assert.StartsWith("mhbe1:k2:", resealed);
        Assert.False(after.NeedsResealing(resealed));

        var error = Assert.ThrowsAny<CryptographicException>(() => Cipher("k2", ("k2", K2)).Unprotect(old, SealedColumns.State));
        Assert.Contains("Storage:Encryption:Keys:k1", error.Message);
    }

    [Fact]
    public void Keys_must_be_256_bits_with_plain_ids_and_the_current_one_among_them()
    {
        Assert.Throws<ArgumentException>(() => Cipher("k1", ("k1", new byte[16])));
        Assert.Throws<ArgumentException>(() => Cipher("k_1", ("k_1", K1))); // '_' is a LIKE wildcard
        Assert.Throws<ArgumentException>(() => Cipher("K1", ("K1", K1)));
        Assert.Throws<ArgumentException>(() => Cipher("k2", ("k1", K1)));
        var configured = FieldCipher.FromOptions(new EncryptionOptions { Keys = { ["k1"] = Convert.ToBase64String(K1), ["k2"] = Convert.ToBase64String(K2) }, CurrentKey = "k2" }, null);
        Assert.Equal("k2", configured.CurrentKeyId);
        Assert.Throws<InvalidOperationException>(() => FieldCipher.FromOptions(new EncryptionOptions { Keys = { ["k1"] = "not base64!" } }, null));
        Assert.Throws<InvalidOperationException>(() => FieldCipher.FromOptions(new EncryptionOptions { Keys = { ["k1"] = Convert.ToBase64String(K1), ["k2"] = Convert.ToBase64String(K2) } }, null));
    }

    [Fact]
    public void Without_configured_keys_a_key_file_readable_by_this_user_only_is_made_once_and_reused()
    {
        using var folder = new TemporaryDirectory();
        var options = new EncryptionOptions();
        var first = FieldCipher.FromOptions(options, folder.Path);
        var second = FieldCipher.FromOptions(options, folder.Path);
        var file = Path.Combine(folder.Path, options.KeyFile);
        Assert.True(File.Exists(file));
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal("secret", second.Unprotect(first.Protect("secret", SealedColumns.State), SealedColumns.State));
    }
}
