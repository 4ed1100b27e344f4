using Microsoft.Extensions.Configuration;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Tests.Auth;

/// <summary>Token and throttle settings are bound and checked at start-up like every other limit.</summary>
public sealed class AuthOptionsTests
{
    static ResourceMapOptions Bind(params (string Key, string Value)[] settings) =>
        ResourceMapOptions.FromConfiguration(
            new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build(),
            AppContext.BaseDirectory);

    [Fact]
    public void Defaults_are_short_access_tokens_and_tight_sign_in_limits()
    {
        var limits = Bind().Limits;
        Assert.Equal(15, limits.AccessTokenMinutes);
        Assert.Equal(12, limits.RefreshTokenHours);
        Assert.Equal(10, limits.LoginPerMinute);
        Assert.Equal(5, limits.LoginAccountFailures);
        Assert.Equal(15, limits.LoginAccountWindowMinutes);
        Assert.Equal(2000, limits.AccountCacheMilliseconds);
        Assert.Null(Bind().JwtKey);
        Assert.Null(Bind().ReadConnectionString);
        Assert.Equal("Host=replica", Bind(("RESOURCEMAP_DB_READ", "Host=replica")).ReadConnectionString);
    }

    [Theory]
    [InlineData("RESOURCEMAP_JWT_KEY", "too-short")]
    [InlineData("RESOURCEMAP_ACCOUNT_CACHE_MILLISECONDS", "60000")]
    [InlineData("RESOURCEMAP_ACCESS_TOKEN_MINUTES", "100000")]
    [InlineData("RESOURCEMAP_LOGIN_ACCOUNT_FAILURES", "0")]
    public void A_wrong_value_stops_the_start_naming_the_variable(string key, string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Bind((key, value)));
        Assert.Contains(key, error.Message);
    }
}
