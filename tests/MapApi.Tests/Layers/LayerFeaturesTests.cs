using System.Diagnostics;
using System.Text.Json.Nodes;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Layers;

public sealed class LayerFeaturesTests(MapApiFactory app) : IClassFixture<MapApiFactory>
{
    const string QuangNamBbox = "107.2,14.9,108.8,16.2";

    async Task<long> ScalarAsync(string sql)
    {
        await using var conn = await app.Sql.OpenConnectionAsync();
        return Convert.ToInt64(await conn.Command(sql).ExecuteScalarAsync());
    }

    async Task<HashSet<long>> IdsAsync(string sql)
    {
        var ids = new HashSet<long>();
        await using var conn = await app.Sql.OpenConnectionAsync();
        await using var reader = await conn.Command(sql).ExecuteReaderAsync();
        while (await reader.ReadAsync()) ids.Add(reader.GetInt64(0));
        return ids;
    }

    static HashSet<long> FeatureIds(JsonNode collection) => collection.Features().Select(f => f["id"]!.GetValue<long>()).ToHashSet();

    [Fact]
    public async Task Layers_list_titles_counts_and_extents_that_match_the_database()
    {
        var layers = (await (await app.CreateClient().GetAsync("/api/layers")).ReadJsonAsync()).AsArray();
        var ids = layers.Select(l => l!["id"]!.GetValue<string>()).ToList();
        Assert.Equal(["teams", "red-addresses", "hardship-villages", "border-areas", "border-markers", "needs", "activities"], ids);
        foreach (var layer in layers)
        {
            Assert.Matches("^[a-z]+(-[a-z]+)*$", layer!["id"]!.GetValue<string>());
            Assert.False(string.IsNullOrWhiteSpace(layer["title"]!["vi"]!.GetValue<string>()));
            Assert.False(string.IsNullOrWhiteSpace(layer["title"]!["en"]!.GetValue<string>()));
        }
        var teams = layers.Single(l => l!["id"]!.GetValue<string>() == "teams")!;
        Assert.Equal(await ScalarAsync("SELECT count(*) FROM teams"), teams["features"]!.GetValue<long>());
        var extent = teams["extent"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        Assert.InRange(extent[0], 102, 110);  // Vietnam lies within 102°E–110°E on the mainland
        Assert.InRange(extent[3], 8, 24);
    }

    [Fact]
    public async Task Bbox_returns_a_valid_FeatureCollection_of_Quang_Nam_teams_inside_the_box()
    {
        var response = await app.CreateClient().GetAsync($"/api/layers/teams/features?bbox={QuangNamBbox}&limit=1000");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/geo+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.ReadJsonAsync();
        Assert.Equal("FeatureCollection", body["type"]!.GetValue<string>());
        var features = body.Features().ToList();
        Assert.True(features.Count >= 20, $"expected Quảng Nam sample teams, got {features.Count}");
        foreach (var f in features)
        {
            Assert.Equal("Feature", f["type"]!.GetValue<string>());
            Assert.Equal("Point", f["geometry"]!["type"]!.GetValue<string>());
            var c = f["geometry"]!["coordinates"]!.AsArray();
            Assert.InRange(c[0]!.GetValue<double>(), 107.2, 108.8);
            Assert.InRange(c[1]!.GetValue<double>(), 14.9, 16.2);
        }
        var expected = await IdsAsync("SELECT id FROM teams WHERE geom && ST_MakeEnvelope(107.2, 14.9, 108.8, 16.2, 4326)");
        Assert.Equal(expected, FeatureIds(body));
    }

    [Fact]
    public async Task Search_ignores_case_and_Vietnamese_diacritics()
    {
        var client = app.CreateClient();
        var plain = await (await client.GetAsync("/api/layers/teams/features?q=quang%20nam&limit=1000")).ReadJsonAsync();
        var accented = await (await client.GetAsync($"/api/layers/teams/features?q={Uri.EscapeDataString("Quảng Nam")}&limit=1000")).ReadJsonAsync();
        var upper = await (await client.GetAsync($"/api/layers/teams/features?q={Uri.EscapeDataString("QUẢNG NAM")}&limit=1000")).ReadJsonAsync();
        var ids = FeatureIds(plain);
        Assert.NotEmpty(ids);
        Assert.Equal(ids, FeatureIds(accented));
        Assert.Equal(ids, FeatureIds(upper));
        // Independent oracle: teams located in (old) Quảng Nam or naming it.
        var inQuangNam = await IdsAsync("""
            SELECT t.id FROM teams t
            WHERE EXISTS (SELECT 1 FROM admin_units a WHERE a.code = '49' AND a.level = 'province' AND ST_Intersects(a.geom, t.geom))
               OR unaccent(lower(t.name || ' ' || t.parent_unit)) LIKE '%quang nam%'
            """);
        Assert.Superset(inQuangNam, ids);
        Assert.True(ids.Count >= inQuangNam.Count * 9 / 10, $"search found {ids.Count} of {inQuangNam.Count} Quảng Nam teams");
    }

    [Fact]
    public async Task Search_folds_the_letter_d_with_stroke()
    {
        var client = app.CreateClient();
        var plain = FeatureIds(await (await client.GetAsync("/api/layers/teams/features?q=doan&limit=1000")).ReadJsonAsync());
        var accented = FeatureIds(await (await client.GetAsync($"/api/layers/teams/features?q={Uri.EscapeDataString("Đoàn")}&limit=1000")).ReadJsonAsync());
        Assert.NotEmpty(plain);
        Assert.Equal(plain, accented);
    }

    [Fact]
    public async Task Paging_follows_next_links_through_every_feature_exactly_once()
    {
        var client = app.CreateClient();
        var seen = new List<long>();
        string? url = "/api/layers/teams/features?limit=70";
        var pages = 0;
        while (url is not null && pages++ < 100)
        {
            var page = await (await client.GetAsync(url)).ReadJsonAsync();
            var features = page.Features().ToList();
            Assert.True(features.Count <= 70);
            seen.AddRange(features.Select(f => f["id"]!.GetValue<long>()));
            url = page["links"]!.AsArray().FirstOrDefault(l => l!["rel"]!.GetValue<string>() == "next")?["href"]!.GetValue<string>();
        }
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(await IdsAsync("SELECT id FROM teams"), seen.ToHashSet());
        Assert.True(pages > 2);
    }

    [Fact]
    public async Task Default_limit_applies_when_none_is_given()
    {
        var body = await (await app.CreateClient().GetAsync("/api/layers/teams/features")).ReadJsonAsync();
        Assert.Equal(ApiLimits.Current.DefaultPageSize, body.Features().Count());
        Assert.Contains(body["links"]!.AsArray(), l => l!["rel"]!.GetValue<string>() == "next");
    }

    [Theory]
    [InlineData("teams", "skill=medical", "SELECT id FROM teams WHERE 'medical' = ANY(skills)")]
    [InlineData("teams", "type=club&status=active", "SELECT id FROM teams WHERE team_type = 'club' AND status = 'active'")]
    [InlineData("red-addresses", "rank=national,special-national", "SELECT id FROM red_sites WHERE rank IN ('national', 'special-national')")]
    [InlineData("hardship-villages", "min_poverty=40", "SELECT id FROM hardship_villages WHERE poverty_rate >= 40")]
    [InlineData("hardship-villages", "max_new_rural=10&extremely_difficult=true", "SELECT id FROM hardship_villages WHERE new_rural_criteria_met <= 10 AND extremely_difficult")]
    [InlineData("border-markers", "country=LA&marker_type=stake", "SELECT id FROM border_markers WHERE neighbour_country = 'LA' AND marker_type = 'stake'")]
    [InlineData("needs", "status=open", "SELECT id FROM needs WHERE status = 'open'")]
    public async Task Layer_filters_select_exactly_the_matching_features(string layer, string query, string oracle)
    {
        var body = await (await app.CreateClient().GetAsync($"/api/layers/{layer}/features?{query}&limit=1000")).ReadJsonAsync();
        var expected = await IdsAsync(oracle);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, FeatureIds(body));
    }

    [Fact]
    public async Task Admin_filter_keeps_features_inside_the_unit_old_or_new()
    {
        var client = app.CreateClient();
        var quangNam = FeatureIds(await (await client.GetAsync("/api/layers/hardship-villages/features?admin=49&limit=1000")).ReadJsonAsync());
        var expected = await IdsAsync("""
            SELECT v.id FROM hardship_villages v JOIN admin_units a ON a.code = '49' AND a.level = 'province' AND ST_Intersects(a.geom, v.geom)
            """);
        Assert.NotEmpty(quangNam);
        Assert.Equal(expected, quangNam);
        // Since 1 July 2025 Quảng Nam is part of Đà Nẵng (48): its villages are Đà Nẵng's villages now.
        var daNang = FeatureIds(await (await client.GetAsync("/api/layers/hardship-villages/features?admin=48&limit=1000")).ReadJsonAsync());
        Assert.Superset(quangNam, daNang);
        var oldDaNang = FeatureIds(await (await client.GetAsync("/api/layers/hardship-villages/features?admin=48&date=2024-01-01&limit=1000")).ReadJsonAsync());
        Assert.Empty(oldDaNang.Intersect(quangNam));
    }

    [Fact]
    public async Task Public_views_never_carry_private_contacts_or_beneficiary_details()
    {
        var client = app.CreateClient();
        var teams = await client.GetStringAsync("/api/layers/teams/features?limit=1000");
        Assert.DoesNotContain("private_", teams);
        var needs = await client.GetStringAsync("/api/layers/needs/features?limit=1000");
        Assert.DoesNotContain("restricted", needs);
        Assert.True(await ScalarAsync("SELECT count(*) FROM teams WHERE private_phone IS NOT NULL") > 0);
        Assert.True(await ScalarAsync("SELECT count(*) FROM needs WHERE restricted_details IS NOT NULL") > 0);
    }

    [Fact]
    public async Task One_feature_by_id_and_clear_404s()
    {
        var client = app.CreateClient();
        var id = await ScalarAsync("SELECT min(id) FROM red_sites");
        var feature = await (await client.GetAsync($"/api/layers/red-addresses/features/{id}")).ReadJsonAsync();
        Assert.Equal(id, feature["id"]!.GetValue<long>());
        Assert.Equal("red-addresses", feature["properties"]!["layer"]!.GetValue<string>());

        await (await client.GetAsync("/api/layers/red-addresses/features/999999999")).AssertProblemAsync(404);
        await (await client.GetAsync("/api/layers/red-addresses/features/abc")).AssertProblemAsync(404);
        var unknown = await (await client.GetAsync("/api/layers/castles/features")).AssertProblemAsync(404);
        Assert.Contains("teams", unknown["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("bbox=abc")]
    [InlineData("bbox=1,2,3")]
    [InlineData("bbox=108,16,107,15")]          // inverted
    [InlineData("bbox=107,15,107,16")]          // empty
    [InlineData("bbox=200,10,210,20")]          // out of range
    [InlineData("bbox=107,-95,108,16")]
    [InlineData("bbox=0,0,100,50")]             // larger than the maximum span
    [InlineData("bbox=NaN,1,2,3")]
    [InlineData("limit=5000")]
    [InlineData("limit=0")]
    [InlineData("limit=abc")]
    [InlineData("after=-1")]
    [InlineData("type=spaceship")]
    [InlineData("skill=" + "medical,medical,medical,medical,medical,medical,medical,medical,medical,medical,medical,medical,medical,medical,medical,medical,medical,medical,medical,medical,medical")]
    [InlineData("admin=99999")]
    [InlineData("date=yesterday&admin=49")]
    public async Task Bad_input_gets_a_400_problem(string query)
    {
        var response = await app.CreateClient().GetAsync($"/api/layers/teams/features?{query}");
        var problem = await response.AssertProblemAsync(400);
        Assert.False(string.IsNullOrWhiteSpace(problem["detail"]?.GetValue<string>()));
    }

    [Fact]
    public async Task Absurd_search_text_gets_a_400_problem()
    {
        var client = app.CreateClient();
        await (await client.GetAsync($"/api/layers/teams/features?q={new string('a', 500)}")).AssertProblemAsync(400);
        await (await client.GetAsync("/api/layers/teams/features?q=%00%01")).AssertProblemAsync(400);
        await (await client.GetAsync("/api/layers/hardship-villages/features?min_poverty=lots")).AssertProblemAsync(400);
        // LIKE wildcards are text, not patterns.
        var wildcard = await (await client.GetAsync("/api/layers/teams/features?q=%25%25")).ReadJsonAsync();
        Assert.Empty(wildcard.Features());
    }

    [Fact]
    public async Task Gdal_reads_the_features_as_GeoJSON()
    {
        var text = await app.CreateClient().GetStringAsync($"/api/layers/teams/features?bbox={QuangNamBbox}&limit=1000");
        var dir = Path.Combine(TestDatabase.FindRepoFolder("artifacts"), "geojson");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, "quang-nam-teams.geojson");
        await File.WriteAllTextAsync(file, text);
        var expected = JsonNode.Parse(text)!.Features().Count();

        var ogr = Process.Start(new ProcessStartInfo("ogrinfo", ["-ro", "-al", "-so", file]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await ogr.StandardOutput.ReadToEndAsync();
        await ogr.WaitForExitAsync();
        Assert.Equal(0, ogr.ExitCode);
        Assert.Contains($"Feature Count: {expected}", output);
        Assert.Contains("Geometry: Point", output);
        Assert.Contains("WGS 84", output);
    }
}
