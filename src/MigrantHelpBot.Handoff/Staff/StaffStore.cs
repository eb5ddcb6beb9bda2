using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using MigrantHelpBot.Data;

namespace MigrantHelpBot.Handoff.Staff;

/// <summary>A staff account (never with its password hash).</summary>
public sealed record StaffAccount(string Id, string Email, string Name, string Role, string? OrganizationId);

public enum SignInOutcome { Done, Wrong, Locked }

/// <summary>
/// Staff accounts and sign-in tokens. Passwords are hashed with ASP.NET Core Identity's
/// <see cref="PasswordHasher{TUser}"/> (PBKDF2); tokens are random, shown once, stored as SHA-256
/// hashes. Repeated wrong passwords lock the account for a while.
/// </summary>
public sealed class StaffStore(Database database, IOptions<HandoffOptions> options, TimeProvider clock)
{
    public const string Admin = "admin";
    public const string StaffRole = "staff";
    public const int MinPasswordLength = 10;
    private static readonly PasswordHasher<StaffAccount> Hasher = new();

    /// <summary>Adds an account, or resets the password, name, role and organisation of an existing one with that email.</summary>
    public async Task<StaffAccount> AddAsync(string email, string password, string? name, string? organizationId, bool admin, CancellationToken cancellationToken)
    {
        email = NormalizeEmail(email);
        if (!email.Contains('@', StringComparison.Ordinal) || email.Length > 200) throw new ArgumentException("The email address is not valid.", nameof(email));
        if (string.IsNullOrEmpty(password) || password.Length < MinPasswordLength) throw new ArgumentException($"The password must have at least {MinPasswordLength} characters.", nameof(password));
        if (!admin && string.IsNullOrWhiteSpace(organizationId)) throw new ArgumentException("A staff member belongs to an organisation (--org).", nameof(organizationId));
        var account = new StaffAccount(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)), email, string.IsNullOrWhiteSpace(name) ? email.Split('@')[0] : name.Trim(), admin ? Admin : StaffRole, organizationId?.Trim());
        var hash = Hasher.HashPassword(account, password);
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("""
            INSERT INTO staff (id, email, name, role, organization_id, password_hash, failed_attempts, created_at)
            VALUES (@id, @email, @name, @role, @org, @hash, 0, @now)
            ON CONFLICT (email) DO UPDATE SET name = excluded.name, role = excluded.role, organization_id = excluded.organization_id,
                password_hash = excluded.password_hash, failed_attempts = 0, locked_until = NULL, disabled_at = NULL
            """)
            .With("id", account.Id).With("email", email).With("name", account.Name).With("role", account.Role).With("org", account.OrganizationId)
            .With("hash", hash).With("now", clock.GetUtcNow().ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
        return (await FindByEmailAsync(email, cancellationToken))!.Value.Account;
    }

    public async Task<IReadOnlyList<StaffAccount>> ListAsync(CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT id, email, name, role, organization_id FROM staff WHERE disabled_at IS NULL ORDER BY email");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var accounts = new List<StaffAccount>();
        while (await reader.ReadAsync(cancellationToken)) accounts.Add(ReadAccount(reader));
        return accounts;
    }

    /// <summary>Checks the password; on success a new token. The same answer for an unknown email and a wrong password.</summary>
    public async Task<(SignInOutcome Outcome, StaffAccount? Account, string? Token, TimeSpan Lifetime)> SignInAsync(string email, string password, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var settings = options.Value;
        var found = await FindByEmailAsync(NormalizeEmail(email), cancellationToken);
        if (found is not { } stored)
        {
            // Spend the same effort as a real check, so timing does not reveal which emails exist.
            Hasher.VerifyHashedPassword(new StaffAccount("", "", "", "", null), DummyHash.Value, password);
            return (SignInOutcome.Wrong, null, null, default);
        }
        if (stored.LockedUntil is { } until && until > now) return (SignInOutcome.Locked, stored.Account, null, until - now);

        var verdict = Hasher.VerifyHashedPassword(stored.Account, stored.Hash, password);
        await using var connection = await database.OpenAsync(cancellationToken);
        if (verdict == PasswordVerificationResult.Failed)
        {
            var failures = stored.FailedAttempts + 1;
            var lockNow = failures >= settings.LockoutThreshold;
            await using var fail = connection.Command("UPDATE staff SET failed_attempts = @failures, locked_until = @until WHERE id = @id")
                .With("failures", lockNow ? 0 : failures).With("until", lockNow ? (now + settings.LockoutDuration).ToUnixTimeMilliseconds() : null).With("id", stored.Account.Id);
            await fail.ExecuteNonQueryAsync(cancellationToken);
            return (lockNow ? SignInOutcome.Locked : SignInOutcome.Wrong, stored.Account, null, lockNow ? settings.LockoutDuration : default);
        }

        var token = "mhs_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        await using (var ok = connection.Command(
            verdict == PasswordVerificationResult.SuccessRehashNeeded
                ? "UPDATE staff SET failed_attempts = 0, locked_until = NULL, password_hash = @hash WHERE id = @id"
                : "UPDATE staff SET failed_attempts = 0, locked_until = NULL WHERE id = @id")
            .With("id", stored.Account.Id).With("hash", Hasher.HashPassword(stored.Account, password)))
        {
            await ok.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var insert = connection.Command("INSERT INTO staff_tokens (token_hash, staff_id, expires_at, created_at) VALUES (@hash, @staff, @expires, @now)")
            .With("hash", HashToken(token)).With("staff", stored.Account.Id)
            .With("expires", (now + settings.TokenLifetime).ToUnixTimeMilliseconds()).With("now", now.ToUnixTimeMilliseconds()))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        return (SignInOutcome.Done, stored.Account, token, settings.TokenLifetime);
    }

    /// <summary>The account a presented token belongs to, if the token is known, unexpired and the account active.</summary>
    public async Task<StaffAccount?> FindByTokenAsync(string token, CancellationToken cancellationToken)
    {
        if (!token.StartsWith("mhs_", StringComparison.Ordinal) || token.Length is < 20 or > 100) return null;
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("""
            SELECT s.id, s.email, s.name, s.role, s.organization_id FROM staff_tokens t JOIN staff s ON s.id = t.staff_id
            WHERE t.token_hash = @hash AND t.expires_at > @now AND s.disabled_at IS NULL
            """).With("hash", HashToken(token)).With("now", clock.GetUtcNow().ToUnixTimeMilliseconds());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadAccount(reader) : null;
    }

    public async Task SignOutAsync(string token, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("DELETE FROM staff_tokens WHERE token_hash = @hash").With("hash", HashToken(token));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<(StaffAccount Account, string Hash, int FailedAttempts, DateTimeOffset? LockedUntil)?> FindByEmailAsync(string email, CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT id, email, name, role, organization_id, password_hash, failed_attempts, locked_until FROM staff WHERE email = @email AND disabled_at IS NULL")
            .With("email", email);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return (ReadAccount(reader), reader.GetString(5), Convert.ToInt32(reader.GetValue(6), CultureInfo.InvariantCulture),
            reader.IsDBNull(7) ? null : DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(reader.GetValue(7), CultureInfo.InvariantCulture)));
    }

    private static StaffAccount ReadAccount(System.Data.Common.DbDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4));

    private static string NormalizeEmail(string email) => (email ?? string.Empty).Trim().ToLowerInvariant();

    private static byte[] HashToken(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private static readonly Lazy<string> DummyHash = new(() => Hasher.HashPassword(new StaffAccount("", "", "", "", null), Convert.ToHexString(RandomNumberGenerator.GetBytes(16))));
}
