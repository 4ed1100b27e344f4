using Microsoft.Extensions.Configuration;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Tests.Infrastructure;

/// <summary>One options class holds every limit; a wrong value stops the start with a sentence naming the variable.</summary>
public sealed class OptionsTests
{
    static ResourceMapOptions Bind(params (string Key, string Value)[] settings) =>
        ResourceMapOptions.FromConfiguration(
            new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build(),
            AppContext.BaseDirectory);

    [Fact]
    public void Limits_are_bound_from_their_environment_names()
    {
        var options = Bind(("RESOURCEMAP_MAX_PAGE_SIZE", "250"), ("RESOURCEMAP_MAX_NEAR_RADIUS_METRES", "1000.5"), ("RESOURCEMAP_LOGIN_PER_MINUTE", "3"));
        Assert.Equal(250, options.Limits.MaxPageSize);
        Assert.Equal(1000.5, options.Limits.MaxNearRadiusMetres);
        Assert.Equal(3, options.Limits.LoginPerMinute);
        Assert.Equal(new ApiLimits().MaxFeaturesPerTile, options.Limits.MaxFeaturesPerTile);
    }

    [Theory]
    [InlineData("RESOURCEMAP_MAX_PAGE_SIZE", "0")]
    [InlineData("RESOURCEMAP_MAX_PAGE_SIZE", "lots")]
    [InlineData("RESOURCEMAP_MAX_BBOX_SPAN_DEGREES", "NaN")]
    [InlineData("RESOURCEMAP_DEFAULT_PAGE_SIZE", "5000")]
    [InlineData("RESOURCEMAP_PUBLIC_URL", "ftp://example.vn")]
    [InlineData("RESOURCEMAP_TRUSTED_PROXIES", "proxy.example.vn")]
    public void A_wrong_value_stops_the_start_naming_the_variable(string key, string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Bind((key, value)));
        Assert.Contains(key, error.Message);
    }

    [Fact]
    public void Every_limit_has_an_environment_name_listed_in_the_readme()
    {
        var readme = File.ReadAllText(TestDatabase.FindRepoFolder("README.md"));
        var missing = typeof(ApiLimits).GetProperties().Where(p => p.Name != nameof(ApiLimits.Current))
            .Select(p => ApiLimits.EnvironmentName(p.Name)).Where(name => !readme.Contains(name)).ToList();
        Assert.Empty(missing);
    }
}
