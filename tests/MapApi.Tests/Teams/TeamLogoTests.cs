using System.Net;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using ResourceMap.Tests.Activities;
using ResourceMap.Tests.Infrastructure;
using ResourceMap.Tests.Photos;

namespace ResourceMap.Tests.Teams;

/// <summary>A team's logo or photo: set by its lead or a coordinator, public, and never carrying where it was taken.</summary>
public sealed class TeamLogoTests(PortalApiFactory app) : IClassFixture<PortalApiFactory>
{
    static async Task<HttpResponseMessage> PutLogoAsync(HttpClient client, long team, byte[] bytes, string name)
    {
        var form = new MultipartFormDataContent { { new ByteArrayContent(bytes), "file", name } };
        return await client.PutAsync($"/api/teams/{team}/logo", form);
    }

    [Fact]
    public async Task A_lead_sets_their_teams_logo_the_public_sees_it_without_EXIF_and_others_cannot_change_it()
    {
        var team = Fixture.NamTraMy;
        var lead = await app.LoginAsync("lead3");
        var photo = TestImages.WithExif(TestImages.Jpeg(1200, 900), lat: 15.0312, lon: 108.0634, dateTimeOriginal: "2026:03:26 08:15:00");
        Assert.Contains(ImageMetadataReader.ReadMetadata(new MemoryStream(photo)), d => d is GpsDirectory); // the test photo does carry a position

        Assert.Equal(HttpStatusCode.Forbidden, (await PutLogoAsync(await app.LoginAsync("lead2"), team, TestImages.Jpeg(), "x.jpg")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PutLogoAsync(app.CreateClient(), team, TestImages.Jpeg(), "x.jpg")).StatusCode);
        byte[] heic = [0, 0, 0, 0x18, .. "ftypheic"u8, 0, 0, 0, 0, .. "mif1heic"u8, .. new byte[64]];
        var refused = await PutLogoAsync(lead, team, heic, "logo.heic");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("HEIC", (await refused.ReadJsonAsync())["detail"]!.GetValue<string>());
        Assert.Equal(0L, await app.ScalarAsync("SELECT count(*) FROM team_logos WHERE team_id = @t", ("t", team)));

        var set = await PutLogoAsync(lead, team, photo, "doi-hinh.jpg");
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var body = await set.ReadJsonAsync();
        Assert.Equal(1200, body["width"]!.GetValue<int>());

        var anonymous = app.CreateClient();
        foreach (var size in new[] { "thumb", "full" })
        {
            var served = await anonymous.GetAsync($"/api/teams/{team}/logo?size={size}");
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.True(served.Headers.CacheControl!.Public);
            var bytes = await served.Content.ReadAsByteArrayAsync();
            Assert.DoesNotContain(ImageMetadataReader.ReadMetadata(new MemoryStream(bytes)), d => d is ExifDirectoryBase or GpsDirectory);
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.GetAsync($"/api/teams/{team}/logo?size=huge")).StatusCode);

        // Replacing keeps one row and one pair of files; the history says who changed the logo.
        Assert.Equal(HttpStatusCode.OK, (await PutLogoAsync(await app.LoginAsync("coord1"), team, TestImages.Png(), "logo.png")).StatusCode);
        Assert.Equal("image/png", (await anonymous.GetAsync($"/api/teams/{team}/logo")).Content.Headers.ContentType!.MediaType);
        Assert.Equal(2, System.IO.Directory.GetFiles(Path.Combine(app.PhotoDir, "teams", team.ToString()), "*", SearchOption.AllDirectories).Length);
        Assert.Equal(2L, await app.ScalarAsync("SELECT count(*) FROM team_history WHERE team_id = @t AND action = 'logo'", ("t", team)));

        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.LoginAsync("lead2")).DeleteAsync($"/api/teams/{team}/logo")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await lead.DeleteAsync($"/api/teams/{team}/logo")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/teams/{team}/logo")).StatusCode);
        Assert.Empty(System.IO.Directory.GetFiles(Path.Combine(app.PhotoDir, "teams", team.ToString()), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_logo_for_a_team_that_does_not_exist_is_a_404_and_nothing_is_stored()
    {
        var response = await PutLogoAsync(await app.LoginAsync("coord1"), 999_999, TestImages.Jpeg(), "x.jpg");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(0L, await app.ScalarAsync("SELECT count(*) FROM team_logos WHERE team_id = 999999"));
    }
}
