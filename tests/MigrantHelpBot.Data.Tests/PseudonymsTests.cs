using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Data.Tests;

/// <summary>Keyed pseudonyms for LINE and Messenger accounts: stable, per channel, per key, and recognisable.</summary>
public sealed class PseudonymsTests
{
    [Fact]
    public void An_account_always_gets_the_same_pseudonym_which_depends_on_the_channel_and_the_key_and_hides_the_id()
    {
        var key = FieldCipher.NewKey();
        var pseudonyms = new Pseudonyms(key);
        const string Line = "U4af4980629d5a0bd2f3b7e1c9a8d1f00";
        var pseudonym = pseudonyms.Of("line", Line);
        Assert.Equal(pseudonym, new Pseudonyms(key).Of("line", Line)); // every replica, every restart
        Assert.Matches("^ps1-[0-9a-f]{32}$", pseudonym);
        Assert.DoesNotContain(Line[1..9], pseudonym, StringComparison.OrdinalIgnoreCase);
        Assert.NotEqual(pseudonym, pseudonyms.Of("messenger", Line));
        Assert.NotEqual(pseudonym, pseudonyms.Of("line", "U4af4980629d5a0bd2f3b7e1c9a8d1f01"));
        Assert.NotEqual(pseudonym, new Pseudonyms(FieldCipher.NewKey()).Of("line", Line));

        Assert.True(Pseudonyms.IsPseudonym(pseudonym));
        Assert.False(Pseudonyms.IsPseudonym(Line));
        Assert.False(Pseudonyms.IsPseudonym("1234567890123456")); // a PSID
        Assert.False(Pseudonyms.IsPseudonym("ps1-" + new string('G', 32)));
        Assert.False(Pseudonyms.IsPseudonym(null));
        Assert.Equal(pseudonym, pseudonyms.Normalize("line", Line));
        Assert.Equal(pseudonym, pseudonyms.Normalize("line", pseudonym));
        Assert.Throws<ArgumentException>(() => new Pseudonyms(new byte[16]));
    }

    [Fact]
    public void The_key_comes_from_configuration_is_required_beside_configured_encryption_keys_and_otherwise_lives_in_a_private_file()
    {
        var key = FieldCipher.NewKey();
        var configured = Pseudonyms.FromOptions(new EncryptionOptions { PseudonymKey = Convert.ToBase64String(key) }, null);
        Assert.Equal(new Pseudonyms(key).Of("line", "U1"), configured.Of("line", "U1"));
        Assert.Throws<InvalidOperationException>(() => Pseudonyms.FromOptions(new EncryptionOptions { PseudonymKey = "not base64!" }, null));
        var error = Assert.Throws<InvalidOperationException>(() => Pseudonyms.FromOptions(new EncryptionOptions { Keys = { ["k1"] = Convert.ToBase64String(FieldCipher.NewKey()) } }, null));
        Assert.Contains("Storage:Encryption:PseudonymKey", error.Message);

        using var folder = new TemporaryDirectory();
        var options = new EncryptionOptions();
        var first = Pseudonyms.FromOptions(options, folder.Path);
        var second = Pseudonyms.FromOptions(options, folder.Path);
        var file = Path.Combine(folder.Path, "data", "pseudonym-key");
        Assert.True(File.Exists(file));
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(first.Of("messenger", "1234567890"), second.Of("messenger", "1234567890"));
        Assert.Single(Directory.GetFiles(Path.Combine(folder.Path, "data"))); // no temporary file left behind
    }
}
