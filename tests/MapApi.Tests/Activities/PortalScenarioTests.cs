using System.IO.Compression;
using System.Net.Http.Json;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using MiniExcelLibs;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Tests.Infrastructure;
using ResourceMap.Tests.Photos;

namespace ResourceMap.Tests.Activities;

/// <summary>
/// Issue 8's "done when": a campaign with targets; three activities from two units with photos (one carrying EXIF GPS); two approved,
/// one returned; /api/indicators and the XLSX report give the totals worked out by hand below; the late unit shows as late; and no
/// anonymous response, photo bytes included, carries the EXIF position or a private field.
/// </summary>
public sealed class PortalScenarioTests(PortalApiFactory app) : IClassFixture<PortalApiFactory>
{
    // Where the phone was when the first photo was taken: a home, which must never be published.
    const double HomeLat = 15.0398765, HomeLon = 108.0712345;
    const string SecretNote = "GHI-CHU-RIENG-7731", SecretSponsor = "Ông Nhà Tài Trợ Kín Tên";

    [Fact]
    public async Task Campaign_three_activities_two_units_indicators_report_and_no_leak()
    {
        var coord = await app.LoginAsync("coord1");
        var lead3 = await app.LoginAsync("lead3");
        var lead2 = await app.LoginAsync("lead2");
        var anon = app.CreateClient();
        var today = VietnamTime.Today;

        // 1. The campaign, organised by Đà Nẵng's Youth Union (province level), with three targets.
        var created = await coord.PostAsJsonAsync("/api/campaigns", new
        {
            name = "Tháng Thanh niên (kiểm thử)", starts_on = today.AddDays(-20), ends_on = today.AddDays(20), unit_code = "48", union_level = "province",
            indicators = new object[]
            {
                new { code = "trees_planted", label = "Trồng cây xanh", measure_unit = "cây", target = 1000 },
                new { code = "participants", label = "Lượt đoàn viên tham gia", measure_unit = "lượt", target = 200 },
                new { code = "money_vnd", label = "Kinh phí vận động", measure_unit = "VND", target = 10_000_000 },
            },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var campaign = (await created.ReadJsonAsync())["id"]!.GetValue<long>();

        // 2. Three activities. A1: team 3's lead in commune C1, recorded for the old district 506 (abolished in 2025), with a GPS photo.
        var a1 = (await lead3.PostActivityAsync(new
        {
            name = "Trồng cây tại thôn 2", campaign_id = campaign, started_on = today.AddDays(-3), lon = 108.06, lat = 15.03, unit_code = "506",
            participants = 30, outputs = new { trees_planted = 120 }, money_vnd = 1_000_000,
        }, key: "a1-key-0001"))["id"]!.GetValue<long>();
        // A2: a coordinator, also in C1 (will be returned, so it counts nowhere).
        var a2 = (await coord.PostActivityAsync(new
        {
            name = "Dọn vệ sinh đường làng", campaign_id = campaign, started_on = today.AddDays(-2), lon = 108.00, lat = 15.00,
            participants = 25, outputs = new { trees_planted = 80 },
        }))["id"]!.GetValue<long>();
        // A3: team 2's lead in commune C2, with a private note and a private sponsor.
        var a3 = (await lead2.PostActivityAsync(new
        {
            name = "Ngày Chủ nhật xanh Tam Kỳ", campaign_id = campaign, started_on = today.AddDays(-1), lon = 108.47, lat = 15.57,
            participants = 50, outputs = new { trees_planted = 300 }, money_vnd = 3_000_000, private_notes = SecretNote,
            sponsors = new object[] { new { name = SecretSponsor, amount_vnd = 2_000_000, @public = false }, new { name = "Công ty Cây Xanh", amount_vnd = 1_000_000, @public = true } },
        }))["id"]!.GetValue<long>();
        // A legacy (imported) approved activity of the campaign in C3, to measure the portal's share.
        await app.ScalarAsync("""
            INSERT INTO activities (name, campaign_id, started_on, participants, outputs, geom, source_id, status, recorded_via)
            VALUES ('Hoạt động nhập từ báo cáo giấy', @c, @d, 5, '{"trees_planted": 10}', ST_SetSRID(ST_MakePoint(107.6, 15.7), 4326), 'test-fixture', 'approved', 'import')
            """, ("c", campaign), ("d", today.AddDays(-5)));

        // A retry with the same key returns the same activity, and nothing is recorded twice.
        var again = await lead3.PostActivityAsync(new { name = "x", started_on = today, lon = 108.06, lat = 15.03 }, key: "a1-key-0001", expect: 200);
        Assert.Equal(a1, again["id"]!.GetValue<long>());
        Assert.Equal(1L, await app.ScalarAsync("SELECT count(*) FROM activities WHERE name = 'Trồng cây tại thôn 2'"));

        // Photos: A1's carries EXIF GPS and time, returned to its uploader to pre-fill the report.
        var gpsJpeg = TestImages.WithExif(TestImages.Jpeg(), HomeLat, HomeLon, "2026:03:26 08:30:00");
        Assert.Contains(ReadGps(gpsJpeg), g => Math.Abs(g.Lat - HomeLat) < 1e-5); // the test image really carries the position
        var p1 = await lead3.PostPhotoAsync(a1, gpsJpeg, "IMG_0001.jpg", key: "p1-key-0001");
        Assert.Equal(HomeLat, p1["exif_lat"]!.GetValue<double>(), 5);
        Assert.Equal(HomeLon, p1["exif_lon"]!.GetValue<double>(), 5);
        Assert.StartsWith("2026-03-26T01:30:00", p1["taken_at"]!.ToString()); // 08:30 in Vietnam
        await coord.PostPhotoAsync(a2, TestImages.Jpeg(640, 480), "IMG_0002.jpg");
        await lead2.PostPhotoAsync(a3, TestImages.Png(), "chup-man-hinh.png");

        // Unapproved: nothing of A1 is public yet, its photo neither.
        Assert.Equal(HttpStatusCode.NotFound, (await anon.GetAsync($"/api/activities/{a1}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anon.GetAsync($"/api/photos/{p1["id"]}?size=full")).StatusCode);
        // A team lead cannot approve, and cannot touch another team's activity.
        await lead3.TransitionAsync(a1, "approved", expect: 409); // still a draft
        await lead2.TransitionAsync(a1, "submitted", expect: 404);

        // 3. Submit all three; approve A1 and A3, return A2.
        foreach (var (client, id) in new[] { (lead3, a1), (coord, a2), (lead2, a3) }) await client.TransitionAsync(id, "submitted");
        await lead3.TransitionAsync(a1, "approved", expect: 403);
        await coord.TransitionAsync(a2, "returned", expect: 400); // a return needs a note
        await coord.TransitionAsync(a1, "approved");
        await coord.TransitionAsync(a3, "approved");
        var returned = await coord.TransitionAsync(a2, "returned", note: "Thiếu ảnh trước/sau");
        Assert.Equal(new[] { "draft", "submitted", "returned" }, returned["history"]!.AsArray().Select(h => h!["to"]!.GetValue<string>()));

        // Unit C1 sent A1 before the last weekly deadline; C2 sent only now (after it); C3 sent nothing.
        var deadline = ResourceMap.Api.Indicators.IndicatorService.LastDeadline(DateTimeOffset.UtcNow, new ResourceMapOptions());
        await app.ScalarAsync("UPDATE activities SET submitted_at = @at WHERE id = @id", ("at", deadline.UtcDateTime.AddHours(-1)), ("id", a1));

        // 4. Indicators, worked out by hand: approved A1 (C1) + A3 (C2) + the imported one (C3); A2 was returned.
        //    trees 120 + 300 + 10 = 430 of 1000 (43 %); participants 30 + 50 + 5 = 85 of 200 (42.5 %); money 1,000,000 + 3,000,000 = 4,000,000 (40 %).
        var ind = await (await anon.GetAsync($"/api/indicators?campaign={campaign}")).ReadJsonAsync();
        Assert.Equal("48", ind["unit_code"]!.GetValue<string>());
        var lines = ind["indicators"]!.AsArray().ToDictionary(i => i!["code"]!.GetValue<string>());
        Assert.Equal(430m, lines["trees_planted"]!["actual"]!.GetValue<decimal>());
        Assert.Equal(43.0m, lines["trees_planted"]!["percent"]!.GetValue<decimal>());
        Assert.Equal(85m, lines["participants"]!["actual"]!.GetValue<decimal>());
        Assert.Equal(42.5m, lines["participants"]!["percent"]!.GetValue<decimal>());
        Assert.Equal(4_000_000m, lines["money_vnd"]!["actual"]!.GetValue<decimal>());
        var units = ind["units"]!.AsArray().ToDictionary(u => u!["code"]!.GetValue<string>());
        Assert.Equal(["C1", "C2", "C3"], units.Keys.Order());
        // A1 was recorded for district 506 (abolished): it counts in commune C1, which absorbed its place.
        Assert.Equal(120m, units["C1"]!["actuals"]!["trees_planted"]!.GetValue<decimal>());
        Assert.Equal(300m, units["C2"]!["actuals"]!["trees_planted"]!.GetValue<decimal>());
        Assert.Equal(10m, units["C3"]!["actuals"]!["trees_planted"]!.GetValue<decimal>());
        Assert.Equal("on-time", units["C1"]!["report_status"]!.GetValue<string>());
        Assert.Equal("late", units["C2"]!["report_status"]!.GetValue<string>());
        Assert.Equal("late", units["C3"]!["report_status"]!.GetValue<string>());
        // Portal share: 2 of 3 approved activities came through the portal; 2 of 3 communes reported through it.
        Assert.Equal(2, ind["portal_share"]!["part"]!.GetValue<int>());
        Assert.Equal(3, ind["portal_share"]!["whole"]!.GetValue<int>());
        Assert.Equal(66.7m, ind["portal_share"]!["percent"]!.GetValue<decimal>());
        Assert.Equal(2, ind["units_reporting"]!["part"]!.GetValue<int>());
        Assert.Equal(3, ind["units_reporting"]!["whole"]!.GetValue<int>());

        // 5. The XLSX report carries the same totals under Vietnamese headers.
        var xlsx = await anon.GetAsync($"/api/reports/campaign?campaign={campaign}&format=xlsx");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        var xlsxBytes = await xlsx.Content.ReadAsByteArrayAsync();
        var rows = MiniExcel.Query(new MemoryStream(xlsxBytes), useHeaderRow: true, sheetName: "Chỉ tiêu").Cast<IDictionary<string, object?>>().ToList();
        decimal Cell(string unit, string code, string column) =>
            Convert.ToDecimal(rows.Single(r => (string?)r["Đơn vị"] == unit && (string?)r["Mã chỉ tiêu"] == code)[column]);
        Assert.Equal(430m, Cell("Đà Nẵng", "trees_planted", "Thực hiện"));
        Assert.Equal(1000m, Cell("Đà Nẵng", "trees_planted", "Kế hoạch"));
        Assert.Equal(85m, Cell("Đà Nẵng", "participants", "Thực hiện"));
        Assert.Equal(4_000_000m, Cell("Đà Nẵng", "money_vnd", "Thực hiện"));
        Assert.Equal(300m, Cell("Phường Tam Kỳ (mẫu)", "trees_planted", "Thực hiện"));
        var unitRows = MiniExcel.Query(new MemoryStream(xlsxBytes), useHeaderRow: true, sheetName: "Đơn vị").Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal("Trễ hạn", unitRows.Single(r => (string?)r["Mã đơn vị"] == "C2")["Hạn báo cáo tuần"]);

        // 6. No anonymous response carries the EXIF position or a private field.
        var texts = new List<(string Url, string Body)>();
        foreach (var url in new[]
                 {
                     "/api/activities", $"/api/activities/{a1}", $"/api/activities/{a3}", "/api/layers/activities/features",
                     $"/api/layers/activities/features/{a3}", $"/api/indicators?campaign={campaign}", "/api/indicators?unit=49",
                     $"/api/reports/campaign?campaign={campaign}&format=html", $"/api/reports/campaign?campaign={campaign}&format=csv",
                     "/api/reports/weekly?unit=48", "/api/reports/annual?unit=48&format=csv", "/api/campaigns",
                 })
        {
            var response = await anon.GetAsync(url);
            Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode}");
            texts.Add((url, await response.Content.ReadAsStringAsync()));
        }
        texts.Add(("xlsx", XlsxText(xlsxBytes)));
        foreach (var (url, body) in texts)
        {
            foreach (var leak in new[] { SecretNote, SecretSponsor, "private_notes", "exif_lat", "exif_lon", "15.03987", "108.07123", "IMG_0001" })
                Assert.False(body.Contains(leak, StringComparison.Ordinal), $"{url} leaks {leak}");
            Assert.DoesNotContain("Dọn vệ sinh đường làng", body); // the returned activity is not public
        }
        var publicA3 = await (await anon.GetAsync($"/api/activities/{a3}")).ReadJsonAsync();
        Assert.Equal(["Công ty Cây Xanh", null], publicA3["sponsors"]!.AsArray().Select(s => s!["name"]?.GetValue<string>()).OrderBy(n => n is null));
        Assert.Equal(2, publicA3["sponsors"]!.AsArray().Count); // the private sponsor's amount stays, its name does not
        Assert.Equal(HttpStatusCode.NotFound, (await anon.GetAsync($"/api/activities/{a2}")).StatusCode);
        // The editors still see the private note.
        Assert.Equal(SecretNote, (await (await lead2.GetAsync($"/api/activities/{a3}")).ReadJsonAsync())["private_notes"]!.GetValue<string>());

        // Photo bytes: approved photos are public, re-encoded, and carry no EXIF at all; the returned activity's photo stays private.
        var publicPhotos = (await (await anon.GetAsync($"/api/activities/{a1}")).ReadJsonAsync())["photos"]!.AsArray();
        Assert.Single(publicPhotos);
        foreach (var size in new[] { "full", "thumb" })
        {
            var photo = await anon.GetAsync($"/api/photos/{p1["id"]}?size={size}");
            Assert.Equal(HttpStatusCode.OK, photo.StatusCode);
            Assert.Equal("image/jpeg", photo.Content.Headers.ContentType?.MediaType);
            Assert.True(photo.Headers.CacheControl?.Public == true, $"Cache-Control: {photo.Headers.CacheControl}; {string.Join(" | ", photo.Headers.Select(h => h.Key + "=" + string.Join(",", h.Value)))}");
            var bytes = await photo.Content.ReadAsByteArrayAsync();
            Assert.Empty(ReadGps(bytes));
            Assert.DoesNotContain(ImageMetadataReader.ReadMetadata(new MemoryStream(bytes)), d => d is ExifDirectoryBase or GpsDirectory);
            Assert.Equal(-1, bytes.AsSpan().IndexOf("Exif\0\0"u8));
        }
        var a2Photo = await app.ScalarAsync("SELECT id FROM activity_photos WHERE activity_id = @id", ("id", a2));
        Assert.Equal(HttpStatusCode.NotFound, (await anon.GetAsync($"/api/photos/{a2Photo}?size=thumb")).StatusCode);
        // Nothing on disk carries the position either: only re-encoded copies are stored.
        foreach (var file in System.IO.Directory.EnumerateFiles(app.PhotoDir, "*", SearchOption.AllDirectories))
            Assert.Empty(ReadGps(await File.ReadAllBytesAsync(file)));
    }

    static List<(double Lat, double Lon)> ReadGps(byte[] bytes)
    {
        try
        {
            return ImageMetadataReader.ReadMetadata(new MemoryStream(bytes)).OfType<GpsDirectory>()
                .Select(g => g.GetGeoLocation()).Where(g => g is not null).Select(g => (g!.Latitude, g.Longitude)).ToList();
        }
        catch (ImageProcessingException) { return []; }
    }

    /// <summary>Every XML part of the workbook as text (shared strings hold the cell texts).</summary>
    static string XlsxText(byte[] xlsx)
    {
        using var zip = new ZipArchive(new MemoryStream(xlsx));
        var text = new StringBuilder();
        foreach (var entry in zip.Entries)
        {
            using var reader = new StreamReader(entry.Open());
            text.Append(reader.ReadToEnd());
        }
        return text.ToString();
    }
}
