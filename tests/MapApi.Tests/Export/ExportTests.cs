using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.Hosting;
using MiniExcelLibs;
using ResourceMap.Api.Export;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Api.Layers;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Export;

/// <summary>The seeded application with accounts: a nationwide coordinator, one scoped to Nam Trà My (516), a team lead.</summary>
public sealed class ExportFactory : MapApiFactory
{
    public const string Password = "export-password-1";
    public const long LeadTeam = 40;
    bool _usersAdded;

    public async Task<HttpClient> ClientAsync(string? username = null)
    {
        var client = CreateClient();
        if (username is null) return client;
        if (!_usersAdded)
        {
            await using var conn = await Sql.OpenConnectionAsync();
            await TestUsers.AddAsync(conn, "exp-coord", "coordinator", Password);
            await TestUsers.AddAsync(conn, "exp-scoped", "coordinator", Password, adminScope: "516");
            await TestUsers.AddAsync(conn, "exp-lead", "team-lead", Password, LeadTeam);
            _usersAdded = true;
        }
        var response = await client.PostAsJsonAsync("/api/auth/token", new { username, password = Password });
        response.EnsureSuccessStatusCode();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await response.ReadJsonAsync())["access_token"]!.GetValue<string>());
        return client;
    }

    public async Task<long> CountAsync(string sql)
    {
        await using var conn = await Sql.OpenConnectionAsync();
        return Convert.ToInt64(await conn.Command(sql).ExecuteScalarAsync());
    }

    public async Task<Dictionary<long, string?>> PrivatePhonesAsync(string where = "TRUE")
    {
        var result = new Dictionary<long, string?>();
        await using var conn = await Sql.OpenConnectionAsync();
        await using var reader = await conn.Command($"SELECT id, private_phone FROM teams t WHERE {where}").ExecuteReaderAsync();
        while (await reader.ReadAsync()) result[reader.GetInt64(0)] = reader.IsDBNull(1) ? null : reader.GetString(1);
        return result;
    }
}

/// <summary>An export cap of 50 rows, to see the cap refuse a larger selection.</summary>
public sealed class SmallExportCapFactory : MapApiFactory
{
    protected override void ConfigureSettings(IWebHostBuilder builder) => builder.UseSetting("RESOURCEMAP_EXPORT_MAX_ROWS", "50");
}

public sealed class ExportTests(ExportFactory app) : IClassFixture<ExportFactory>
{
    /// <summary>Parses RFC 4180 CSV (quotes, doubled quotes, CRLF, newlines inside quotes).</summary>
    public static List<string[]> ParseCsv(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (c == '\r') { }
            else if (c == '\n') { row.Add(field.ToString()); field.Clear(); rows.Add([.. row]); row.Clear(); }
            else field.Append(c);
        }
        if (field.Length > 0 || row.Count > 0) { row.Add(field.ToString()); rows.Add([.. row]); }
        return rows;
    }

    static async Task<(string Text, byte[] Bytes)> GetAsync(HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        return (Encoding.UTF8.GetString(bytes), bytes);
    }

    /// <summary>Every feature /features returns for the same query, page by page.</summary>
    static async Task<int> FeaturesTotalAsync(HttpClient client, string layer, string filters)
    {
        var total = 0;
        string? url = $"/api/layers/{layer}/features?limit=1000&{filters}";
        while (url is not null)
        {
            var page = await (await client.GetAsync(url)).ReadJsonAsync();
            total += page.Features().Count();
            url = page["links"]!.AsArray().FirstOrDefault(l => l!["rel"]!.GetValue<string>() == "next")?["href"]!.GetValue<string>();
        }
        return total;
    }

    static int Rows(string format, byte[] bytes, string text) => format switch
    {
        "csv" => ParseCsv(text.TrimStart('\uFEFF')).Count - 1,
        "xlsx" => MiniExcel.Query(new MemoryStream(bytes), useHeaderRow: true, excelType: ExcelType.XLSX).Count(),
        "geojson" => System.Text.Json.Nodes.JsonNode.Parse(text)!.Features().Count(),
        _ => XDocument.Parse(text).Descendants(XName.Get("Placemark", "http://www.opengis.net/kml/2.2")).Count(),
    };

    public static TheoryData<string, string> Selections => new()
    {
        { "teams", "" },
        { "teams", "skill=first-aid&status=active" },
        { "teams", "q=nam tra my" },
        { "teams", "bbox=107.2,14.9,108.8,16.2" },
        { "red-addresses", "rank=special-national" },
        { "hardship-villages", "min_poverty=40" },
        { "border-areas", "" },
        { "border-markers", "country=LA" },
        { "needs", "status=open" },
        { "activities", "admin=49" },
    };

    [Theory]
    [MemberData(nameof(Selections))]
    public async Task Every_format_holds_as_many_rows_as_features_returns(string layer, string filters)
    {
        var client = await app.ClientAsync();
        var expected = await FeaturesTotalAsync(client, layer, filters);
        Assert.True(expected > 0, $"{layer}?{filters} should select something");
        foreach (var format in ExportApi.Formats)
        {
            var (text, bytes) = await GetAsync(client, $"/api/layers/{layer}/export?format={format}&{filters}");
            Assert.Equal(expected, Rows(format, bytes, text));
        }
    }

    [Fact]
    public async Task Csv_is_utf8_with_bom_and_keeps_vietnamese_text_and_coordinates()
    {
        var response = await (await app.ClientAsync()).GetAsync("/api/layers/red-addresses/export?format=csv");
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("attachment", response.Content.Headers.ContentDisposition?.ToString());
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var rows = ParseCsv(Encoding.UTF8.GetString(bytes[3..]));
        var header = rows[0];
        Assert.Equal("id", header[0]);
        Assert.Equal(["lon", "lat"], header[^2..]);
        Assert.Contains("name", header);
        Assert.All(rows, r => Assert.Equal(header.Length, r.Length));
        var name = Array.IndexOf(header, "name");
        var cuChi = rows.Single(r => r[name] == "Địa đạo Củ Chi");
        var id = long.Parse(cuChi[0]);
        var feature = await (await (await app.ClientAsync()).GetAsync($"/api/layers/red-addresses/features/{id}")).ReadJsonAsync();
        var coordinates = feature["geometry"]!["coordinates"]!.AsArray().Select(c => c!.GetValue<double>()).ToArray();
        Assert.Equal(coordinates[0], double.Parse(cuChi[^2], System.Globalization.CultureInfo.InvariantCulture), 6);
        Assert.Equal(coordinates[1], double.Parse(cuChi[^1], System.Globalization.CultureInfo.InvariantCulture), 6);

        // Lists are joined by ';' (skills), text with commas and newlines is quoted.
        var teams = ParseCsv((await GetAsync(await app.ClientAsync(), "/api/layers/teams/export?format=csv")).Text.TrimStart('\uFEFF'));
        var skills = Array.IndexOf(teams[0], "skills");
        Assert.Contains(teams.Skip(1), r => r[skills].Contains(';'));
        Assert.DoesNotContain(teams.Skip(1), r => r[skills].Contains('['));
    }

    [Fact]
    public async Task Xlsx_and_kml_keep_vietnamese_text_and_polygons_come_as_wkt()
    {
        var client = await app.ClientAsync();
        var (_, xlsx) = await GetAsync(client, "/api/layers/red-addresses/export?format=xlsx");
        var sheet = MiniExcel.Query(new MemoryStream(xlsx), useHeaderRow: true, excelType: ExcelType.XLSX).Cast<IDictionary<string, object?>>().ToList();
        Assert.Contains(sheet, r => (string?)r["name"] == "Địa đạo Củ Chi");
        Assert.All(sheet, r => Assert.IsType<double>(r["lon"]));

        var (kml, _) = await GetAsync(client, "/api/layers/red-addresses/export?format=kml");
        var doc = XDocument.Parse(kml);
        XNamespace k = "http://www.opengis.net/kml/2.2";
        Assert.Contains(doc.Descendants(k + "Placemark"), p => p.Element(k + "name")?.Value == "Địa đạo Củ Chi");
        Assert.All(doc.Descendants(k + "Placemark"), p => Assert.NotNull(p.Element(k + "Point")));

        var areas = ParseCsv((await GetAsync(client, "/api/layers/border-areas/export?format=csv")).Text.TrimStart('\uFEFF'));
        Assert.Equal("wkt", areas[0][^1]);
        Assert.All(areas.Skip(1), r => Assert.StartsWith("MULTIPOLYGON(((", r[^1]));
    }

    [Fact]
    public async Task Gdal_reads_every_export_format_back_with_the_same_feature_count()
    {
        var client = await app.ClientAsync();
        var expected = await app.CountAsync("SELECT count(*) FROM teams");
        var dir = Directory.CreateTempSubdirectory("rm-export-");
        try
        {
            // Not XLSX: MiniExcel writes prefixed SpreadsheetML (x:row), which GDAL reads only from 3.9.2 (OSGeo/gdal#10453);
            // Debian 12 ships 3.6. The XLSX is read back with MiniExcel in the tests above.
            foreach (var format in ExportApi.Formats.Where(f => f != "xlsx"))
            {
                var path = Path.Combine(dir.FullName, "teams." + format);
                await File.WriteAllBytesAsync(path, (await GetAsync(client, $"/api/layers/teams/export?format={format}")).Bytes);
                var start = new ProcessStartInfo("ogrinfo") { RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (var a in new[] { "-ro", "-al", "-so", path, "-oo", "X_POSSIBLE_NAMES=lon", "-oo", "Y_POSSIBLE_NAMES=lat" }) start.ArgumentList.Add(a);
                using var process = Process.Start(start)!;
                var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
                await process.WaitForExitAsync();
                Assert.True(output.Contains($"Feature Count: {expected}"), $"{format}: {output}");
                Assert.Matches(@"(?m)^skills: String", output);
                if (format != "kml") Assert.Matches(@"Geometry: (3D )?Point", output); // KML layers are of any geometry type
            }
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public async Task Private_fields_are_absent_for_anonymous_users_in_every_format()
    {
        var phones = (await app.PrivatePhonesAsync("private_phone IS NOT NULL")).Values.ToList();
        Assert.NotEmpty(phones);
        var client = await app.ClientAsync();
        foreach (var (layer, secret) in new[] { ("teams", "private_"), ("needs", "restricted_details") })
            foreach (var format in ExportApi.Formats)
            {
                var (text, bytes) = await GetAsync(client, $"/api/layers/{layer}/export?format={format}");
                var content = format == "xlsx"
                    ? string.Join("\n", MiniExcel.Query(new MemoryStream(bytes), excelType: ExcelType.XLSX).Cast<IDictionary<string, object?>>().SelectMany(r => r.Values).Select(v => v?.ToString()))
                    : text;
                Assert.DoesNotContain(secret, content);
                if (layer == "teams") Assert.DoesNotContain(phones, p => content.Contains(p!));
            }
    }

    [Fact]
    public async Task A_coordinator_gets_private_fields_and_a_scoped_one_only_inside_the_scope()
    {
        var all = await app.PrivatePhonesAsync();
        var inScope = await app.PrivatePhonesAsync(
            "ST_Intersects(t.geom, (SELECT geom FROM admin_units WHERE id = rm_admin_unit_version('516', rm_today())))");
        Assert.NotEmpty(inScope);
        Assert.True(inScope.Count < all.Count);

        async Task<Dictionary<long, string>> ExportedPhonesAsync(string user)
        {
            var rows = ParseCsv((await GetAsync(await app.ClientAsync(user), "/api/layers/teams/export?format=csv")).Text.TrimStart('\uFEFF'));
            var column = Array.IndexOf(rows[0], "private_phone");
            Assert.True(column > 0, "the private_phone column should be there");
            return rows.Skip(1).Where(r => r[column] != "").ToDictionary(r => long.Parse(r[0]), r => r[column]);
        }

        var nationwide = await ExportedPhonesAsync("exp-coord");
        Assert.Equal(all.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value!), nationwide);

        var scoped = await ExportedPhonesAsync("exp-scoped");
        Assert.Equal(inScope.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value!), scoped);

        var lead = await ExportedPhonesAsync("exp-lead");
        Assert.Equal(all[ExportFactory.LeadTeam] is { } own ? new Dictionary<long, string> { [ExportFactory.LeadTeam] = own } : [], lead);

        // Needs: beneficiaries' details for the nationwide coordinator, as GeoJSON properties.
        var needs = System.Text.Json.Nodes.JsonNode.Parse((await GetAsync(await app.ClientAsync("exp-coord"), "/api/layers/needs/export?format=geojson")).Text)!;
        Assert.Equal(await app.CountAsync("SELECT count(*) FROM needs WHERE restricted_details IS NOT NULL"),
            needs.Features().Count(f => f["properties"]!["restricted_details"] is not null));
    }

    [Fact]
    public async Task Bad_requests_are_problems()
    {
        var client = await app.ClientAsync();
        await (await client.GetAsync("/api/layers/teams/export?format=shp")).AssertProblemAsync(400);
        await (await client.GetAsync("/api/layers/nope/export")).AssertProblemAsync(404);
        await (await client.GetAsync("/api/layers/teams/export?bbox=1,2,3")).AssertProblemAsync(400);
        await (await client.GetAsync("/api/layers/teams/export?status=retired")).AssertProblemAsync(400);
    }

    [Fact]
    public void Formula_like_text_is_defused_and_numbers_are_not()
    {
        Assert.Equal("'=HYPERLINK(\"x\")", ExportValues.Defuse("=HYPERLINK(\"x\")"));
        Assert.Equal("'@SUM(A1)", ExportValues.Defuse("@SUM(A1)"));
        Assert.Equal("'-x", ExportValues.Defuse("-x"));
        Assert.Equal("''=x", ExportValues.Defuse("'=x"));
        Assert.Equal("+84 900 000 001", ExportValues.Defuse("+84 900 000 001"));
        Assert.Equal("-5.5", ExportValues.Defuse("-5.5"));
        Assert.Equal("Đội 'A'", ExportValues.Defuse("Đội 'A'"));
    }
}

public sealed class ExportCapTests(SmallExportCapFactory app) : IClassFixture<SmallExportCapFactory>
{
    [Fact]
    public async Task A_selection_over_the_configured_cap_is_refused_and_a_smaller_one_served()
    {
        var client = app.CreateClient();
        var problem = await (await client.GetAsync("/api/layers/teams/export?format=csv")).AssertProblemAsync(400);
        Assert.Contains("at most 50", problem["detail"]!.GetValue<string>());
        var response = await client.GetAsync("/api/layers/border-areas/export?format=csv");
        Assert.Equal(200, (int)response.StatusCode);
    }
}
