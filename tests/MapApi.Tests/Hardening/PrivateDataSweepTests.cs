using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Tests.Infrastructure;
using ResourceMap.Tests.Needs;

namespace ResourceMap.Tests.Hardening;

/// <summary>
/// Canaries planted in every private field (team contacts, beneficiaries in a need's restricted details) must
/// never come back to a viewer who may not read them — across every GET endpoint of the OpenAPI document, with
/// and without filters, vector tiles' bytes included. And every write refuses the anonymous and forged tokens.
/// </summary>
public sealed class PrivateDataSweepTests(FixtureApiFactory app, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<FixtureApiFactory>
{
    const string Beneficiary = "CANARY-BENEFICIARY-END";

    static string TeamCanary(long team) => $"CANARY-TEAM-{team}-END";

    async Task PlantAsync()
    {
        await using var conn = await app.Sql.OpenConnectionAsync();
        await conn.Command("""
            UPDATE teams SET private_contact_name = 'CANARY-TEAM-' || id || '-END', private_phone = 'CANARY-TEAM-' || id || '-END',
                             private_email = 'canary-team-' || id || '-end@canary.invalid'
            """).ExecuteNonQueryAsync();
        // Portal (issue 8): an approved activity's private note and private sponsor, and a whole draft, are private.
        await conn.Command("""
            INSERT INTO activities (name, started_on, geom, source_id, status, private_notes, sponsors, team_id, recorded_via)
            SELECT v.name, rm_today(), ST_SetSRID(ST_MakePoint(108.06, 15.03), 4326), 'test-fixture', v.status, v.notes, v.sponsors::jsonb, 3, 'portal'
            FROM (VALUES ('Hoạt động đã duyệt', 'approved', 'CANARY-BENEFICIARY-END', '[{"name": "CANARY-BENEFICIARY-END", "amount_vnd": 1, "public": false}]'),
                         ('CANARY-BENEFICIARY-END', 'draft', NULL, '[]')) AS v(name, status, notes, sponsors)
            WHERE NOT EXISTS (SELECT 1 FROM activities WHERE recorded_via = 'portal')
            """).ExecuteNonQueryAsync();
        if (await app.ScalarAsync<long>("SELECT count(*) FROM needs") > 0) return;
        var coordinator = await app.LoginAsync("coord1");
        foreach (var skills in new[] { new[] { "construction" }, ["teaching"] })
        {
            var body = NeedRequests.VillageNeed(volunteers: 2, skills: skills);
            body["restricted_details"] = new JsonObject { ["beneficiaries"] = new JsonArray(new JsonObject { ["name"] = Beneficiary, ["phone"] = Beneficiary }) };
            await NeedRequests.CreateAsync(coordinator, body);
        }
    }

    [Fact]
    public async Task No_private_field_reaches_anonymous_users_or_unrelated_team_leads()
    {
        await PlantAsync();
        var anonymous = app.CreateClient();
        var lead9 = await app.LoginAsync("lead9"); // leads SpareA (9): may read team 9's contacts, nothing else private
        var requests = await GetRequestsAsync(anonymous);
        Assert.True(requests.Count >= 100, $"only {requests.Count} requests generated");

        var leaks = new List<string>();
        var answered = 0;
        foreach (var url in requests)
        {
            foreach (var (viewer, client, allowed) in new[] { ("anonymous", anonymous, (long?)null), ("lead9", lead9, 9L) })
            {
                var response = await client.GetAsync(url);
                if (response.IsSuccessStatusCode) answered++;
                // Bytes as Latin-1 so a canary inside a binary vector tile is found too.
                var text = Encoding.Latin1.GetString(await response.Content.ReadAsByteArrayAsync());
                foreach (Match m in Regex.Matches(text, @"CANARY-TEAM-(\d+)-END|canary-team-(\d+)-end|CANARY-BENEFICIARY-END"))
                {
                    var team = m.Groups[1].Success ? long.Parse(m.Groups[1].Value) : m.Groups[2].Success ? long.Parse(m.Groups[2].Value) : (long?)null;
                    if (team is null || team != allowed) leaks.Add($"{viewer} GET {url}: {m.Value}");
                }
            }
        }
        Assert.True(answered > requests.Count / 2, $"only {answered} of {requests.Count * 2} requests succeeded: the sweep would prove little");
        output.WriteLine($"leak sweep: {requests.Count * 2} requests ({requests.Count} URLs × 2 viewers), {answered} answered 2xx, {leaks.Count} leaks");
        Assert.True(leaks.Count == 0, $"{leaks.Count} leaks:\n" + string.Join("\n", leaks.Distinct().Take(30)));

        // The canaries are really there for those allowed to read them (the sweep can fail).
        var coordinator = await app.LoginAsync("coord1");
        Assert.Contains(TeamCanary(1), await coordinator.GetStringAsync("/api/teams/1"));
        Assert.Contains(TeamCanary(9), await lead9.GetStringAsync("/api/teams/9"));
        Assert.Contains(Beneficiary, await coordinator.GetStringAsync("/api/needs"));
    }

    [Fact]
    public async Task Every_write_refuses_anonymous_and_forged_tokens_and_changes_nothing()
    {
        var anonymous = app.CreateClient();
        var document = await (await anonymous.GetAsync("/swagger/v1/swagger.json")).ReadJsonAsync();
        var forged = new[]
        {
            ("none", Token("""{"alg":"none","typ":"JWT"}""", """{"sub":"1","username":"coord1","role":"coordinator","iss":"resourcemap","aud":"resourcemap-api","exp":4102444800}""", "")),
            ("wrong key", Token("""{"alg":"HS256","typ":"JWT"}""", """{"sub":"1","username":"coord1","role":"coordinator","iss":"resourcemap","aud":"resourcemap-api","exp":4102444800}""", "c2lnbmF0dXJl")),
            ("garbage", "not.a.token"),
        };
        var writes = 0;
        var failures = new List<string>();
        var before = await app.ScalarAsync<string>("SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM (SELECT * FROM teams) t") +
                     await app.ScalarAsync<string>("SELECT count(*)::text FROM needs") + await app.ScalarAsync<string>("SELECT count(*)::text FROM assignments");
        foreach (var (path, item) in document["paths"]!.AsObject())
        foreach (var (method, _) in item!.AsObject())
        {
            // Sign-in, refresh and logout take their credential in the body, not a bearer token.
            if (method == "get" || path is "/api/auth/token" or "/api/auth/refresh" or "/api/auth/logout") continue;
            var url = Regex.Replace(path, @"\{\w+\}", "1");
            foreach (var (label, token) in new (string, string?)[] { ("anonymous", null) }.Concat(forged.Select(f => (f.Item1, (string?)f.Item2))))
            {
                var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), url) { Content = JsonContent.Create(new { }) };
                if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                var response = await anonymous.SendAsync(request);
                writes++;
                if ((int)response.StatusCode != 401) failures.Add($"{label} {method.ToUpperInvariant()} {url} → {(int)response.StatusCode}");
            }
        }
        var after = await app.ScalarAsync<string>("SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM (SELECT * FROM teams) t") +
                    await app.ScalarAsync<string>("SELECT count(*)::text FROM needs") + await app.ScalarAsync<string>("SELECT count(*)::text FROM assignments");
        output.WriteLine($"authorization: {writes} write attempts without a valid token, {failures.Count} not refused with 401");
        Assert.True(writes >= 20, $"only {writes} write attempts");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(before, after);
    }

    static string Token(string header, string payload, string signature) =>
        $"{B64(header)}.{B64(payload)}.{signature}";

    static string B64(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Every GET of the OpenAPI document, with its path filled from real ids and its query bare and with every known parameter.</summary>
    static async Task<List<string>> GetRequestsAsync(HttpClient client)
    {
        var document = await (await client.GetAsync("/swagger/v1/swagger.json")).ReadJsonAsync();
        var layers = (await (await client.GetAsync("/api/layers")).ReadJsonAsync()).AsArray().Select(l => l!["id"]!.GetValue<string>()).ToList();
        var today = VietnamTime.Today;
        var known = new Dictionary<string, string>
        {
            ["bbox"] = "107.5,14.5,108.9,16.2", ["zoom"] = "9", ["lon"] = "108.06", ["lat"] = "15.03", ["near"] = "108.06,15.03",
            ["radius_m"] = "100000", ["skills"] = "construction,teaching", ["skill"] = "construction", ["q"] = "Trà My",
            ["from"] = today.AddDays(7).ToString("yyyy-MM-dd"), ["to"] = today.AddDays(10).ToString("yyyy-MM-dd"),
            ["date"] = today.ToString("yyyy-MM-dd"), ["volunteers"] = "1", ["limit"] = "1000", ["level"] = "province",
            ["admin"] = "49", ["parent"] = "49", ["geometry"] = "full", ["status"] = "open", ["uncovered"] = "false",
            ["datetime"] = $"{today.AddDays(-400):yyyy-MM-dd}/..",
        };
        var urls = new List<string>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            if (item!["get"] is not JsonObject get || path.StartsWith("/swagger", StringComparison.Ordinal)) continue;
            var parameters = (get["parameters"]?.AsArray() ?? []).Select(p => p!.AsObject()).Where(p => p["in"]!.GetValue<string>() == "query").ToList();
            var required = parameters.Where(p => p["required"]?.GetValue<bool>() == true).Select(p => p["name"]!.GetValue<string>()).ToList();
            var all = parameters.Select(p => p["name"]!.GetValue<string>()).Where(known.ContainsKey).ToList();
            var queries = new[] { required, all }.Select(names => string.Join("&", names.Where(known.ContainsKey).Select(n => $"{n}={Uri.EscapeDataString(known[n])}"))).Distinct();
            foreach (var concrete in ExpandPath(path, layers))
            foreach (var query in queries)
                urls.Add(query.Length == 0 ? concrete : $"{concrete}?{query}");
        }
        return urls;
    }

    static IEnumerable<string> ExpandPath(string path, List<string> layers)
    {
        IEnumerable<string> paths = [path];
        if (path.Contains("{layer}")) paths = paths.SelectMany(p => layers.Select(l => p.Replace("{layer}", l)));
        if (path.Contains("{collectionId}")) paths = paths.SelectMany(p => layers.Select(l => p.Replace("{collectionId}", l)));
        if (path.Contains("{featureId}")) paths = paths.SelectMany(p => Enumerable.Range(1, 11).Select(i => p.Replace("{featureId}", i.ToString())));
        if (path.Contains("{z}"))
            paths = paths.SelectMany(p => new[] { (8, 204, 117), (12, 3277, 1874), (6, 51, 29) }.Select(t =>
                p.Replace("{z}", t.Item1.ToString()).Replace("{x}", t.Item2.ToString()).Replace("{y}", t.Item3.ToString())));
        if (path.Contains("{code}")) paths = paths.SelectMany(p => new[] { "49", "48", "506" }.Select(c => p.Replace("{code}", c)));
        if (path.Contains("{aid}")) paths = paths.Select(p => p.Replace("{aid}", "1"));
        if (path.Contains("{id}")) paths = paths.SelectMany(p => Enumerable.Range(1, 11).Select(i => p.Replace("{id}", i.ToString())));
        return paths.Select(p => Regex.Replace(p, @"\{\w+\}", "1"));
    }
}
