namespace ResourceMap.Tests.Infrastructure;

/// <summary>
/// A test that needs the seed data (data/manifest.json): reported as skipped, with the reason, on a branch
/// where the data has not been merged yet, instead of failing for a reason that has nothing to do with it.
/// </summary>
public sealed class SeedDataFactAttribute : FactAttribute
{
    public SeedDataFactAttribute()
    {
        string? data;
        try { data = TestDatabase.DataDirectory; } catch (DirectoryNotFoundException) { data = null; }
        if (data is null || !File.Exists(Path.Combine(data, "manifest.json")))
            Skip = "needs the seed data: data/manifest.json is not in this checkout yet";
    }
}
