using System.Security.Cryptography;

namespace ResourceMap.Api.Auth;

/// <summary>
/// PBKDF2-HMAC-SHA256 with a per-user random salt, stored as "pbkdf2-sha256$iterations$salt$hash"
/// so the iteration count can rise later without invalidating existing hashes.
/// </summary>
public static class PasswordHasher
{
    // OWASP (2023) recommends 600k for PBKDF2-SHA256; 210k keeps a login near 100 ms on this 2-core machine
    // while staying well above the 100k floor the issue sets.
    public const int Iterations = 210_000;
    const int SaltBytes = 16, HashBytes = 32;
    const string Scheme = "pbkdf2-sha256";

    public static string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, Iterations, HashAlgorithmName.SHA256, HashBytes);
        return $"{Scheme}${Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    public static bool Verify(string password, string stored)
    {
        var parts = stored.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme || !int.TryParse(parts[1], out var iterations) || iterations < 1)
            return false;
        byte[] salt, expected;
        try { (salt, expected) = (Convert.FromBase64String(parts[2]), Convert.FromBase64String(parts[3])); }
        catch (FormatException) { return false; }
        var actual = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>A hash to verify against when the user does not exist, so timing does not reveal usernames.</summary>
    public static readonly string Dummy = Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)));
}
