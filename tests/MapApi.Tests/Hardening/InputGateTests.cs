using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Hardening;

public sealed class InputGateTests(FixtureApiFactory app) : IClassFixture<FixtureApiFactory>
{
    static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    [Theory]
    [InlineData("""{"private_phone":"\u0085"}""", "private_phone")]
    [InlineData("""{"private_phone":"09\u00001"}""", "private_phone")]
    [InlineData("""{"skills":["first-aid","x\u0000"]}""", "skills[1]")]
    [InlineData("""{"notes":{"a":[1,{"b":"\u001b"}]}}""", "notes.a[1].b")]
    public async Task A_control_character_anywhere_in_a_body_is_refused_naming_where_and_nothing_changes(string body, string parameter)
    {
        var lead = await app.LoginAsync("lead1");
        var before = await app.ScalarAsync<string>("SELECT concat_ws('|', private_phone, skills, capacity) FROM teams WHERE id = @id", ("id", Fixture.TraMy));
        var problem = await (await lead.PatchAsync($"/api/teams/{Fixture.TraMy}", JsonBody(body))).AssertProblemAsync(400);
        Assert.Equal(parameter, problem["parameter"]!.GetValue<string>());
        Assert.Contains(parameter, problem["detail"]!.GetValue<string>());
        Assert.Equal(before, await app.ScalarAsync<string>("SELECT concat_ws('|', private_phone, skills, capacity) FROM teams WHERE id = @id", ("id", Fixture.TraMy)));
    }

    [Theory]
    [InlineData("/api/coordinates/from-vn2000?x=NaN&y=1700000", "x")]
    [InlineData("/api/coordinates/from-vn2000?x=500000&y=Infinity", "y")]
    [InlineData("/api/coordinates/from-vn2000?x=500000&y=1700000&zone=tm3&central_meridian=NaN", "central_meridian")]
    [InlineData("/api/coordinates/to-vn2000?lon=-Infinity&lat=15", "lon")]
    [InlineData("/api/layers/teams/features?limit=abc", "limit")]
    [InlineData("/api/admin-units?date=2025-13-01", "date")]
    [InlineData("/api/layers/teams/features?skill=a%00b", "skill")]
    [InlineData("/api/admin-units?parent=4%009", "parent")]
    public async Task Query_values_that_are_not_what_the_endpoint_declares_get_a_400_naming_the_parameter(string url, string parameter)
    {
        var problem = await (await app.CreateClient().GetAsync(url)).AssertProblemAsync(400);
        Assert.Equal(parameter, problem["parameter"]!.GetValue<string>());
        Assert.DoesNotContain("Nullable", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Oversized_addresses_headers_and_bodies_get_problem_details()
    {
        var client = app.CreateClient();
        await (await client.GetAsync("/api/layers/teams/features?q=" + new string('a', 9000))).AssertProblemAsync(414);

        var big = new HttpRequestMessage(HttpMethod.Get, "/api/layers");
        big.Headers.Add("X-Padding", new string('p', 40_000));
        await (await client.SendAsync(big)).AssertProblemAsync(431);

        var lead = await app.LoginAsync("lead1");
        var body = $$"""{"description":"{{new string('d', 70_000)}}"}""";
        await (await lead.PatchAsync($"/api/teams/{Fixture.TraMy}", JsonBody(body))).AssertProblemAsync(413);
    }

    [Fact]
    public async Task An_unknown_host_is_refused_and_links_never_echo_it()
    {
        var client = app.CreateClient();
        var evil = new HttpRequestMessage(HttpMethod.Get, "/api/layers");
        evil.Headers.Host = "evil.example";
        await (await client.SendAsync(evil)).AssertProblemAsync(400);

        var layers = await (await client.GetAsync("/api/layers")).ReadJsonAsync();
        Assert.All(layers.AsArray(), l => Assert.StartsWith("http://localhost/api/layers/", l!["href"]!.GetValue<string>()));
    }

    /// <summary>The real web server (Kestrel on a loopback port): its own limits sit above the gate's, so clients get problem details.</summary>
    [Fact]
    public async Task On_the_real_server_a_long_address_and_big_headers_still_get_problem_details()
    {
        await using var server = new KestrelApp(app.DatabaseName);
        server.UseKestrel(0);
        server.StartServer();
        var address = server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
            .Replace("[::]", "127.0.0.1").Replace("localhost", "127.0.0.1");
        using var http = new HttpClient { BaseAddress = new Uri(address) };

        var longUrl = await http.GetAsync("/api/layers/teams/features?q=" + new string('a', 20_000));
        await longUrl.AssertProblemAsync(414);
        var big = new HttpRequestMessage(HttpMethod.Get, "/api/layers");
        big.Headers.Add("X-Padding", new string('p', 60_000));
        await (await http.SendAsync(big)).AssertProblemAsync(431);
        // Refused by the web server itself, before any application code: still problem details.
        foreach (var (raw, status) in new[] { ("/api/la%00yers", 400), ("/api/layers?q=" + new string('a', 40_000), 414) })
        {
            var refused = await RawGetAsync(new Uri(address), raw);
            Assert.StartsWith($"HTTP/1.1 {status} ", refused);
            Assert.Contains("Content-Type: application/problem+json", refused);
            Assert.Contains($"\"status\":{status}", refused);
        }
        var tooBig = new ByteArrayContent(new byte[2 * 1024 * 1024]);
        tooBig.Headers.ContentType = new("application/octet-stream");
        var upload = await http.PostAsync("/api/auth/token", tooBig);
        Assert.InRange((int)upload.StatusCode, 400, 499);
    }

    /// <summary>A GET written byte for byte (HttpClient would re-encode the path), answer read until the server closes.</summary>
    static async Task<string> RawGetAsync(Uri server, string target)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port);
        await using var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    sealed class KestrelApp(string database) : Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("RESOURCEMAP_DB", TestDatabase.ConnectionString(database));
            builder.UseSetting("RESOURCEMAP_SEED", "false");
            builder.UseSetting("RESOURCEMAP_MIGRATE", "false");
            builder.UseEnvironment("Testing");
            builder.UseSetting("Logging:LogLevel:Default", "Warning"); // see MapApiFactory
        }
    }
}

public sealed class PublicUrlTests : MapApiFactory
{
    protected override void ConfigureSettings(IWebHostBuilder builder) =>
        builder.UseSetting("RESOURCEMAP_PUBLIC_URL", "https://bando.example.vn/");
}

public sealed class ConfiguredPublicUrlTests(PublicUrlTests app) : IClassFixture<PublicUrlTests>
{
    [Fact]
    public async Task Links_come_from_the_configured_public_address()
    {
        var client = app.CreateClient();
        var layers = await (await client.GetAsync("/api/layers")).ReadJsonAsync();
        Assert.All(layers.AsArray(), l => Assert.StartsWith("https://bando.example.vn/api/layers/", l!["href"]!.GetValue<string>()));
        var page = await (await client.GetAsync("/api/layers/teams/features?limit=1")).ReadJsonAsync();
        var next = page["links"]!.AsArray().First(l => l!["rel"]!.GetValue<string>() == "next")!["href"]!.GetValue<string>();
        Assert.StartsWith("https://bando.example.vn/api/layers/teams/features?", next);
    }
}
