using System.Globalization;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using MiniExcelLibs;
using Npgsql;
using ResourceMap.Api.Coordinates;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Import;

public sealed class ImportTests(FixtureApiFactory app) : IClassFixture<FixtureApiFactory>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await using var conn = await app.Sql.OpenConnectionAsync();
        await conn.Command("""
            INSERT INTO admin_units (code, level, parent_code, name, valid_from, valid_to, geom, source_id, is_sample)
            SELECT '50611', 'commune', '506', 'Xã Trà Cang', '2008-01-01', '2025-07-01', ST_Multi(ST_MakeEnvelope(108.0, 14.95, 108.12, 15.08, 4326)), 'test-fixture', true
            WHERE NOT EXISTS (SELECT 1 FROM admin_units WHERE code = '50611')
            """).ExecuteNonQueryAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    static readonly string[] Headers =
    [
        "Mã định danh", "Tên đội/CLB", "Loại hình", "Đơn vị Đoàn trực thuộc", "Số thành viên", "Số TNV huy động được", "Kỹ năng",
        "Bán kính phục vụ (km)", "Trạng thái", "Ngày thành lập", "Email công khai", "Điện thoại liên hệ (riêng tư)",
        "Kinh độ", "Vĩ độ", "X (VN-2000)", "Y (VN-2000)", "Múi chiếu VN-2000", "Xã/Phường", "Quận/Huyện", "Tỉnh/Thành phố",
    ];

    /// <summary>Team i: a third by lon/lat, a third by VN-2000 (X = northing as surveys write it; TM-3 107°45′ or UTM 48), a third by commune name only.</summary>
    static Dictionary<string, object?> Team(int i)
    {
        var lon = 107.95 + (i % 37) * 0.009;
        var lat = 14.80 + (i % 41) * 0.009;
        var row = Headers.ToDictionary(h => h, _ => (object?)null);
        row["Mã định danh"] = $"QN-{i:0000}";
        row["Tên đội/CLB"] = $"Đội thanh niên tình nguyện số {i}";
        row["Loại hình"] = (i % 4) switch { 0 => "CLB", 1 => "đội", 2 => "nhóm", _ => "specialist" };
        row["Đơn vị Đoàn trực thuộc"] = "Huyện đoàn Nam Trà My";
        row["Số thành viên"] = (double)(10 + i % 50);
        row["Số TNV huy động được"] = (double)(5 + i % 20);
        row["Kỹ năng"] = i % 2 == 0 ? "Sơ cấp cứu; teaching" : "construction, day hoc";
        row["Bán kính phục vụ (km)"] = "12,5";
        row["Trạng thái"] = "hoạt động";
        row["Ngày thành lập"] = "26/03/2015";
        row["Điện thoại liên hệ (riêng tư)"] = "0905" + i.ToString("000000", CultureInfo.InvariantCulture);
        switch (i % 3)
        {
            case 0:
                row["Kinh độ"] = lon;
                row["Vĩ độ"] = lat;
                break;
            case 1:
                var utm = i % 2 == 0;
                var (e, n) = utm ? Vn2000.FromWgs84(lon, lat, Vn2000.Zone.Utm48) : Vn2000.FromWgs84(lon, lat, Vn2000.Zone.Tm3, 107.75);
                row["X (VN-2000)"] = Math.Round(n, 3);
                row["Y (VN-2000)"] = Math.Round(e, 3);
                row["Múi chiếu VN-2000"] = utm ? "UTM 48" : "TM3 107°45'";
                break;
            default:
                row["Xã/Phường"] = "tra cang";
                row["Quận/Huyện"] = "Nam Tra My";
                break;
        }
        return row;
    }

    static void LonLat(Dictionary<string, object?> row, object? lon, object? lat)
    {
        foreach (var h in new[] { "X (VN-2000)", "Y (VN-2000)", "Múi chiếu VN-2000", "Xã/Phường", "Quận/Huyện" }) row[h] = null;
        (row["Kinh độ"], row["Vĩ độ"]) = (lon, lat);
    }

    /// <summary>Bad rows of every kind: team index → (how it is broken, the column the report must name).</summary>
    static readonly Dictionary<int, (Action<Dictionary<string, object?>> Break, string Column)> Bad = new()
    {
        [10] = (r => r["Tên đội/CLB"] = null, "Tên đội/CLB"),
        [20] = (r => r["Loại hình"] = "đội bay", "Loại hình"),
        [30] = (r => r["Số TNV huy động được"] = "mười", "Số TNV huy động được"),
        [40] = (r => r["Số thành viên"] = -5.0, "Số thành viên"),
        [50] = (r => r["Kỹ năng"] = "bay lượn", "Kỹ năng"),
        [60] = (r => LonLat(r, 2.35, 48.85), "Kinh độ"),
        [70] = (r => LonLat(r, 15.05, 108.05), "Kinh độ"),
        [80] = (r => { LonLat(r, null, null); r["X (VN-2000)"] = 1_662_000.0; r["Y (VN-2000)"] = 535_000.0; }, "Múi chiếu VN-2000"),
        [90] = (r => { LonLat(r, null, null); r["Xã/Phường"] = "Xã Không Tồn Tại"; }, "Xã/Phường"),
        [100] = (r => r["Mã định danh"] = "QN-0001", "Mã định danh"),
        [110] = (r => r["Ngày thành lập"] = "31/02/2020", "Ngày thành lập"),
        [120] = (r => LonLat(r, null, null), ""),
        [130] = (r => r["Email công khai"] = "khong-phai-email", "Email công khai"),
        [140] = (r => r["Mã định danh"] = null, "Mã định danh"),
        [150] = (r => r["Bán kính phục vụ (km)"] = 900.0, "Bán kính phục vụ (km)"),
        [160] = (r => r["Trạng thái"] = "đã giải tán", "Trạng thái"),
        [170] = (r => LonLat(r, 108.05, null), "Vĩ độ"),
        [180] = (r => { LonLat(r, null, null); r["X (VN-2000)"] = 12.0; r["Y (VN-2000)"] = 34.0; r["Múi chiếu VN-2000"] = "UTM48"; }, "X (VN-2000)"),
        [190] = (r => { LonLat(r, null, null); r["X (VN-2000)"] = 1_662_000.0; r["Y (VN-2000)"] = 535_000.0; r["Múi chiếu VN-2000"] = "múi 7"; }, "Múi chiếu VN-2000"),
    };

    static byte[] Xlsx(IEnumerable<Dictionary<string, object?>> rows)
    {
        using var stream = new MemoryStream();
        MiniExcel.SaveAs(stream, rows.ToList());
        return stream.ToArray();
    }

    async Task<HttpResponseMessage> PostAsync(HttpClient client, string layer, bool dryRun, byte[] content, string fileName)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", fileName);
        return await client.PostAsync($"/api/imports?layer={layer}&dry_run={(dryRun ? "true" : "false")}", form);
    }

    async Task<JsonNode> ImportAsync(HttpClient client, string layer, bool dryRun, byte[] content, string fileName, int status = 200)
    {
        var response = await PostAsync(client, layer, dryRun, content, fileName);
        var body = await response.ReadJsonAsync();
        Assert.True(status == (int)response.StatusCode, $"{(int)response.StatusCode}: {body.ToJsonString()[..Math.Min(2000, body.ToJsonString().Length)]}");
        return body;
    }

    [Fact]
    public async Task A_thousand_teams_dry_run_reports_every_bad_row_then_the_fixed_file_commits_and_reimporting_changes_nothing()
    {
        var coordinator = await app.LoginAsync("coord1");
        var teamsBefore = await app.ScalarAsync<long>("SELECT count(*) FROM teams");
        var mixed = Enumerable.Range(1, 1000).Select(i =>
        {
            var row = Team(i);
            if (Bad.TryGetValue(i, out var bad)) bad.Break(row);
            return row;
        });
        var mixedFile = Xlsx(mixed);

        var dry = await ImportAsync(coordinator, "teams", true, mixedFile, "doi-hinh.xlsx");
        Assert.Equal("invalid", dry["status"]!.GetValue<string>());
        Assert.Equal(1000, dry["total_rows"]!.GetValue<int>());
        var errors = dry["errors"]!.AsArray().Select(e => e!).ToList();
        // Sheet row = team index + 1 (row 1 holds the headers); every bad row and nothing else.
        Assert.Equal(Bad.Keys.Select(i => i + 1).Order(), errors.Select(e => e["row"]!.GetValue<int>()).Distinct().Order());
        foreach (var (i, (_, column)) in Bad)
        {
            var rowErrors = errors.Where(e => e["row"]!.GetValue<int>() == i + 1).ToList();
            Assert.True(rowErrors.Any(e => e["column"]!.GetValue<string>() == column),
                $"row {i + 1}: expected an error on '{column}', got {string.Join(" | ", rowErrors.Select(e => e.ToJsonString()))}");
            Assert.All(rowErrors, e => { Assert.NotEmpty(e["reason"]!.GetValue<string>()); Assert.NotEmpty(e["reason_vi"]!.GetValue<string>()); });
        }
        Assert.Contains(errors, e => e["row"]!.GetValue<int>() == 71 && e["reason"]!.GetValue<string>().Contains("swapped"));
        Assert.Contains(errors, e => e["row"]!.GetValue<int>() == 101 && e["reason"]!.GetValue<string>().Contains("repeats row 2"));
        Assert.Equal(teamsBefore, await app.ScalarAsync<long>("SELECT count(*) FROM teams"));

        var stored = await (await coordinator.GetAsync($"/api/imports/{dry["import_id"]!.GetValue<long>()}")).ReadJsonAsync();
        Assert.Equal(errors.Count, stored["errors"]!.AsArray().Count);
        Assert.True(stored["dry_run"]!.GetValue<bool>());

        // A commit of the mixed file is refused as a whole.
        var refused = await ImportAsync(coordinator, "teams", false, mixedFile, "doi-hinh.xlsx", 422);
        Assert.Equal("invalid", refused["status"]!.GetValue<string>());
        Assert.Equal(teamsBefore, await app.ScalarAsync<long>("SELECT count(*) FROM teams"));

        var fixedFile = Xlsx(Enumerable.Range(1, 1000).Select(Team));
        var fixedDry = await ImportAsync(coordinator, "teams", true, fixedFile, "doi-hinh-da-sua.xlsx");
        Assert.Equal("valid", fixedDry["status"]!.GetValue<string>());
        Assert.Equal(1000, fixedDry["inserted"]!.GetValue<int>());
        Assert.Equal(1000, fixedDry["preview"]!.AsArray().Count);
        Assert.Equal(teamsBefore, await app.ScalarAsync<long>("SELECT count(*) FROM teams"));

        var committed = await ImportAsync(coordinator, "teams", false, fixedFile, "doi-hinh-da-sua.xlsx");
        Assert.Equal("committed", committed["status"]!.GetValue<string>());
        Assert.Equal(1000, committed["inserted"]!.GetValue<int>());
        Assert.Equal(teamsBefore + 1000, await app.ScalarAsync<long>("SELECT count(*) FROM teams"));
        // VN-2000 rows land where the coordinates were computed from (TM-3 and UTM 48), within a metre.
        foreach (var i in new[] { 1, 4 })
            Assert.True(await app.ScalarAsync<double>("SELECT ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint(@lon, @lat), 4326)::geography) FROM teams WHERE external_id = @id",
                ("lon", 107.95 + (i % 37) * 0.009), ("lat", 14.80 + (i % 41) * 0.009), ("id", $"QN-{i:0000}")) < 1.0);
        Assert.True(await app.ScalarAsync<bool>("SELECT location_approximate AND ST_Intersects(geom, ST_MakeEnvelope(108.0, 14.95, 108.12, 15.08, 4326)) FROM teams WHERE external_id = 'QN-0002'"));
        Assert.False(await app.ScalarAsync<bool>("SELECT location_approximate FROM teams WHERE external_id = 'QN-0003'"));
        Assert.Equal("{first-aid,teaching}", await app.ScalarAsync<string>("SELECT skills::text FROM teams WHERE external_id = 'QN-0002'"));
        Assert.Equal(12500, await app.ScalarAsync<int>("SELECT service_radius_m FROM teams WHERE external_id = 'QN-0002'"));
        Assert.Equal("unit-import", await app.ScalarAsync<string>("SELECT source_id FROM teams WHERE external_id = 'QN-0002'"));
        Assert.Equal(1000, await app.ScalarAsync<long>("SELECT count(*) FROM team_history WHERE action = 'imported'"));
        var stamp = await app.ScalarAsync<string>("SELECT max(updated_at)::text FROM teams");

        var again = await ImportAsync(coordinator, "teams", false, fixedFile, "doi-hinh-da-sua.xlsx");
        Assert.Equal((0, 0, 1000), (again["inserted"]!.GetValue<int>(), again["updated"]!.GetValue<int>(), again["unchanged"]!.GetValue<int>()));
        Assert.Equal(teamsBefore + 1000, await app.ScalarAsync<long>("SELECT count(*) FROM teams"));
        Assert.Equal(stamp, await app.ScalarAsync<string>("SELECT max(updated_at)::text FROM teams"));
        Assert.Equal(1000, await app.ScalarAsync<long>("SELECT count(*) FROM team_history WHERE action = 'imported'"));

        var oneChanged = Xlsx(Enumerable.Range(1, 1000).Select(i => { var r = Team(i); if (i == 5) r["Số TNV huy động được"] = 99.0; return r; }));
        var update = await ImportAsync(coordinator, "teams", false, oneChanged, "doi-hinh-sua-1.xlsx");
        Assert.Equal((0, 1, 999), (update["inserted"]!.GetValue<int>(), update["updated"]!.GetValue<int>(), update["unchanged"]!.GetValue<int>()));
        Assert.Equal(99, await app.ScalarAsync<int>("SELECT capacity FROM teams WHERE external_id = 'QN-0005'"));

        // The imported teams are public records on the map (without their private phones).
        var found = await (await app.CreateClient().GetAsync("/api/layers/teams/features?q=doi%20thanh%20nien%20tinh%20nguyen%20so%20777")).ReadJsonAsync();
        Assert.Contains(found.Features(), f => f["properties"]!["name"]!.GetValue<string>() == "Đội thanh niên tình nguyện số 777");
        Assert.DoesNotContain("0905000777", found.ToJsonString());
    }

    static string Csv(string header, params string[] lines) => string.Join("\r\n", new[] { header }.Concat(lines)) + "\r\n";

    [Fact]
    public async Task Csv_in_utf8_and_utf16_is_read_and_other_encodings_are_refused_clearly()
    {
        var coordinator = await app.LoginAsync("coord2");
        var text = Csv("Mã định danh;Tên di tích;Loại di tích;Xếp hạng;Kinh độ;Vĩ độ",
            "RA-1;Khu di tích Nước Oa;cách mạng;quốc gia;108,47;15,45",
            "RA-2;\"Đình làng; \"\"Trà Kiệu\"\"\";lịch sử;cấp tỉnh;108.2;15.8");
        var encodings = new (string Name, byte[] Bytes)[]
        {
            ("utf8", Encoding.UTF8.GetBytes(text)),
            ("utf8-bom", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)]),
            ("utf16le", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(text)]),
            ("utf16be", [0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes(text)]),
        };
        foreach (var (name, bytes) in encodings)
        {
            var report = await ImportAsync(coordinator, "red-addresses", true, bytes, $"di-tich-{name}.csv");
            Assert.True(report["status"]!.GetValue<string>() == "valid", $"{name}: {report.ToJsonString()}");
            var preview = report["preview"]!.AsArray();
            Assert.Equal("Khu di tích Nước Oa", preview[0]!["label"]!.GetValue<string>());
            Assert.Equal("Đình làng; \"Trà Kiệu\"", preview[1]!["label"]!.GetValue<string>());
            Assert.Equal(108.47, preview[0]!["lon"]!.GetValue<double>());
        }
        // Windows-1258 / Latin-1 bytes are not UTF-8: refused with a message that says what to do.
        var latin1 = Encoding.Latin1.GetBytes("Mã định danh,Tên di tích\r\nRA-3,Ðình\r\n".Replace("ã", "\u00e3").Replace("ị", "i").Replace("đ", "d"));
        var refused = await ImportAsync(coordinator, "red-addresses", true, latin1, "di-tich-1258.csv");
        Assert.Equal("invalid", refused["status"]!.GetValue<string>());
        var error = Assert.Single(refused["errors"]!.AsArray())!;
        Assert.Equal(0, error["row"]!.GetValue<int>());
        Assert.Contains("CSV UTF-8", error["reason"]!.GetValue<string>());
        Assert.Contains("UTF-8", error["reason_vi"]!.GetValue<string>());

        var committed = await ImportAsync(coordinator, "red-addresses", false, encodings[2].Bytes, "di-tich.csv");
        Assert.Equal(2, committed["inserted"]!.GetValue<int>());
        Assert.Equal("revolutionary", await app.ScalarAsync<string>("SELECT relic_type FROM red_sites WHERE external_id = 'RA-1'"));
    }

    [Fact]
    public async Task GeoJson_kml_kmz_and_zipped_shapefiles_import_with_repaired_geometry()
    {
        var coordinator = await app.LoginAsync("coord1");
        // A bow-tie (self-intersecting) village area: repaired, stored valid; the point is inside it.
        const string badFeature = """
            , {"type": "Feature", "properties": {"external_id": "HV-3", "name": "Thôn sai"}, "geometry": {"type": "LineString", "coordinates": [[108.0, 15.0], [108.1, 15.1]]}}
            """;
        const string goodFeatures = """
              {"type": "Feature", "properties": {"external_id": "HV-1", "name": "Thôn 3, xã Trà Cang", "poverty_rate": 55.5, "ethnic_groups": ["Xơ Đăng", "Ca Dong"]},
               "geometry": {"type": "Polygon", "coordinates": [[[108.0, 15.0], [108.1, 15.1], [108.1, 15.0], [108.0, 15.1], [108.0, 15.0]]]}},
              {"type": "Feature", "properties": {"external_id": "HV-2", "name": "Thôn 4", "Đặc biệt khó khăn": "không"},
               "geometry": {"type": "Point", "coordinates": [108.05, 15.02]}}
            """;
        var bad = await ImportAsync(coordinator, "hardship-villages", true,
            Encoding.UTF8.GetBytes("{\"type\": \"FeatureCollection\", \"features\": [" + goodFeatures + badFeature + "]}"), "thon.geojson");
        Assert.Equal(3, Assert.Single(bad["errors"]!.AsArray())!["row"]!.GetValue<int>());
        var good = "{\"type\": \"FeatureCollection\", \"features\": [" + goodFeatures + "]}";
        var committed = await ImportAsync(coordinator, "hardship-villages", false, Encoding.UTF8.GetBytes(good), "thon.geojson");
        Assert.Equal(2, committed["inserted"]!.GetValue<int>());
        Assert.True(await app.ScalarAsync<bool>("SELECT ST_IsValid(area) AND ST_Intersects(area, geom) AND NOT ST_IsPolygonCW(area) FROM hardship_villages WHERE external_id = 'HV-1'"));
        Assert.Equal("{\"Xơ Đăng\",\"Ca Dong\"}", await app.ScalarAsync<string>("SELECT ethnic_groups::text FROM hardship_villages WHERE external_id = 'HV-1'"));
        Assert.False(await app.ScalarAsync<bool>("SELECT extremely_difficult FROM hardship_villages WHERE external_id = 'HV-2'"));

        var kml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <kml xmlns="http://www.opengis.net/kml/2.2"><Document>
              <Placemark><name>801</name><ExtendedData><Data name="Mã định danh"><value>BM-1</value></Data>
                <Data name="Loại mốc"><value>mốc phụ</value></Data><Data name="Nước tiếp giáp"><value>Lào</value></Data></ExtendedData>
                <Point><coordinates>107.55,15.30,0</coordinates></Point></Placemark>
              <Placemark><name>802</name><ExtendedData><SchemaData><SimpleData name="external_id">BM-2</SimpleData>
                <SimpleData name="neighbour_country">LA</SimpleData></SchemaData></ExtendedData>
                <Point><coordinates>107.56,15.32</coordinates></Point></Placemark>
            </Document></kml>
            """;
        Assert.Equal(2, (await ImportAsync(coordinator, "border-markers", false, Encoding.UTF8.GetBytes(kml), "moc.kml"))["inserted"]!.GetValue<int>());
        Assert.Equal("secondary", await app.ScalarAsync<string>("SELECT marker_type FROM border_markers WHERE external_id = 'BM-1'"));
        using (var kmz = new MemoryStream())
        {
            using (var zip = new ZipArchive(kmz, ZipArchiveMode.Create, true))
            await using (var entry = zip.CreateEntry("doc.kml").Open())
                await entry.WriteAsync(Encoding.UTF8.GetBytes(kml));
            var again = await ImportAsync(coordinator, "border-markers", false, kmz.ToArray(), "moc.kmz");
            Assert.Equal((0, 2), (again["inserted"]!.GetValue<int>(), again["unchanged"]!.GetValue<int>()));
        }

        var shp = Directory.CreateTempSubdirectory("rm-shp-test-");
        try
        {
            var attributes = new NetTopologySuite.Features.AttributesTable { { "ma", "BM-9" }, { "so_moc", "700" }, { "nuoc", "Lào" } };
            var feature = new NetTopologySuite.Features.Feature(new NetTopologySuite.Geometries.Point(107.6, 15.4), attributes);
            NetTopologySuite.IO.Esri.Shapefile.WriteAllFeatures([feature], Path.Combine(shp.FullName, "moc.shp"));
            using var zipped = new MemoryStream();
            using (var zip = new ZipArchive(zipped, ZipArchiveMode.Create, true))
                foreach (var file in shp.GetFiles())
                    zip.CreateEntryFromFile(file.FullName, "moc/" + file.Name);
            var report = await ImportAsync(coordinator, "border-markers", false, zipped.ToArray(), "moc-shp.zip");
            Assert.True(report["inserted"]!.GetValue<int>() == 1, report.ToJsonString());
            Assert.Equal("700", await app.ScalarAsync<string>("SELECT marker_number FROM border_markers WHERE external_id = 'BM-9'"));
        }
        finally { shp.Delete(true); }
    }

    [Fact]
    public async Task Templates_have_vietnamese_headers_and_a_sample_row_that_imports()
    {
        var coordinator = await app.LoginAsync("coord1");
        foreach (var layer in new[] { "teams", "red-addresses", "hardship-villages", "border-markers", "needs", "activities" })
        {
            var response = await app.CreateClient().GetAsync($"/api/imports/templates/{layer}.xlsx");
            Assert.Equal(200, (int)response.StatusCode);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            var rows = MiniExcel.Query(new MemoryStream(bytes), useHeaderRow: true).Cast<IDictionary<string, object>>().ToList();
            Assert.Single(rows);
            Assert.Contains("Mã định danh", rows[0].Keys);
            Assert.Contains("Kinh độ", rows[0].Keys);
            var report = await ImportAsync(coordinator, layer, true, bytes, $"{layer}.xlsx");
            Assert.True(report["status"]!.GetValue<string>() == "valid", $"{layer}: {report.ToJsonString()}");
        }
        await (await app.CreateClient().GetAsync("/api/imports/templates/users.xlsx")).AssertProblemAsync(404);
    }

    [Fact]
    public async Task Activities_from_a_units_list_arrive_awaiting_approval_bad_rows_are_listed_and_reimporting_changes_nothing()
    {
        var coordinator = await app.LoginAsync("coord1");
        const string header = "Mã định danh;Tên hoạt động;Chiến dịch/Phong trào;Ngày bắt đầu;Ngày kết thúc;Số người tham gia;Số giờ tình nguyện;Kinh phí huy động (đồng);Trạng thái;Xã/Phường;Huyện;Tỉnh";
        string[] good =
        [
            "HD-2026-01;Ra quân Tháng Thanh niên;Tháng Thanh niên;26/03/2026;27/03/2026;40;160;15000000;chờ duyệt;;Huyện Nam Trà My;Quảng Nam",
            "HD-2026-02;Chủ nhật xanh bờ sông;Chủ nhật xanh;05/04/2026;;25;50;;đã duyệt;;;Quảng Nam",
        ];
        var bad = Encoding.UTF8.GetBytes(Csv(header, [.. good,
            "HD-2026-03;Kết thúc trước khi bắt đầu;;10/04/2026;01/04/2026;10;;;;;;Quảng Nam",
            "HD-2026-04;Số người âm;;10/04/2026;;-5;;;;;;Quảng Nam",
            "HD-2026-05;Trạng thái lạ;;10/04/2026;;5;;;xong rồi;;;Quảng Nam"]));
        var before = await app.ScalarAsync<long>("SELECT count(*) FROM activities");
        var dry = await ImportAsync(coordinator, "activities", true, bad, "hoat-dong.csv");
        Assert.Equal("invalid", dry["status"]!.GetValue<string>());
        var badRows = dry["errors"]!.AsArray().Select(e => e!["row"]!.GetValue<int>()).Distinct().Order().ToArray();
        Assert.Equal([4, 5, 6], badRows);
        Assert.Equal(before, await app.ScalarAsync<long>("SELECT count(*) FROM activities"));

        var file = Encoding.UTF8.GetBytes(Csv(header, good));
        var committed = await ImportAsync(coordinator, "activities", false, file, "hoat-dong.csv");
        Assert.Equal(2, committed["inserted"]!.GetValue<int>());
        Assert.Equal("submitted", await app.ScalarAsync<string>("SELECT status FROM activities WHERE external_id = 'HD-2026-01'"));
        Assert.Equal("import", await app.ScalarAsync<string>("SELECT recorded_via FROM activities WHERE external_id = 'HD-2026-01'"));
        Assert.True(await app.ScalarAsync<bool>("SELECT location_approximate FROM activities WHERE external_id = 'HD-2026-02'"));
        Assert.Equal(2L, await app.ScalarAsync<long>(
            "SELECT count(*) FROM activity_transitions t JOIN activities a ON a.id = t.activity_id WHERE a.external_id LIKE 'HD-2026-%' AND t.from_status IS NULL"));
        // Only the approved one is on the public map.
        Assert.Equal(1L, await app.ScalarAsync<long>("SELECT count(*) FROM activities_public p JOIN activities a USING (id) WHERE a.external_id LIKE 'HD-2026-%'"));

        var again = await ImportAsync(coordinator, "activities", false, file, "hoat-dong.csv");
        Assert.Equal(0, again["inserted"]!.GetValue<int>());
        Assert.Equal(0, again["updated"]!.GetValue<int>());
        Assert.Equal(2, again["unchanged"]!.GetValue<int>());
    }

    [Fact]
    public async Task Only_coordinators_import_and_a_bad_request_is_a_problem()
    {
        var file = Xlsx([Team(3)]);
        Assert.Equal(401, (int)(await PostAsync(app.CreateClient(), "teams", true, file, "t.xlsx")).StatusCode);
        await (await PostAsync(await app.LoginAsync("lead1"), "teams", true, file, "t.xlsx")).AssertProblemAsync(403);
        var coordinator = await app.LoginAsync("coord1");
        await (await PostAsync(coordinator, "users", true, file, "t.xlsx")).AssertProblemAsync(400);
        await (await PostAsync(coordinator, "teams", true, file, "t.exe")).AssertProblemAsync(400);
        await (await coordinator.PostAsync("/api/imports?layer=teams&dry_run=maybe", new MultipartFormDataContent())).AssertProblemAsync(400);
        await (await coordinator.GetAsync("/api/imports/999999")).AssertProblemAsync(404);
        // Uploads may exceed the app-wide 1 MB body limit, up to RESOURCEMAP_MAX_IMPORT_UPLOAD_BYTES.
        var big = Encoding.UTF8.GetBytes(Csv("Mã định danh;Tên di tích;Loại di tích;Câu chuyện;Kinh độ;Vĩ độ",
            Enumerable.Range(1, 400).Select(i => $"BIG-{i};Di tích {i};lịch sử;{new string('x', 3900)};108.2;15.8").ToArray()));
        Assert.True(big.Length > 1_500_000);
        var bigReport = await ImportAsync(coordinator, "red-addresses", true, big, "lon.csv");
        Assert.Equal(400, bigReport["total_rows"]!.GetValue<int>());
        await (await (await app.LoginAsync("lead1")).GetAsync("/api/imports/1")).AssertProblemAsync(403);
    }
}
