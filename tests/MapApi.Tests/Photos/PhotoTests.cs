using System.Net;
using System.Net.Http.Headers;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Tests.Activities;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Photos;

public sealed class PhotoTests(PortalApiFactory app) : IClassFixture<PortalApiFactory>
{
    async Task<(HttpClient Lead, long Activity)> DraftAsync(string name)
    {
        var lead = await app.LoginAsync("lead3");
        var id = (await lead.PostActivityAsync(new { name, started_on = VietnamTime.Today, lon = 108.06, lat = 15.03 }))["id"]!.GetValue<long>();
        return (lead, id);
    }

    [Fact]
    public async Task HEIC_WebP_and_non_images_are_refused_by_name_and_nothing_is_stored()
    {
        var (lead, id) = await DraftAsync("Ảnh bị từ chối");
        byte[] heic = [0, 0, 0, 0x18, .. "ftypheic"u8, 0, 0, 0, 0, .. "mif1heic"u8, .. new byte[64]];
        var body = await lead.PostPhotoAsync(id, heic, "IMG_1234.HEIC", expect: 400);
        Assert.Contains("HEIC", body["detail"]!.GetValue<string>());
        Assert.Contains("JPEG", body["detail"]!.GetValue<string>());
        byte[] webp = [.. "RIFF"u8, 0, 0, 0, 0, .. "WEBP"u8, .. new byte[32]];
        Assert.Contains("WebP", (await lead.PostPhotoAsync(id, webp, "a.jpg", expect: 400))["detail"]!.GetValue<string>());
        Assert.Contains("damaged", (await lead.PostPhotoAsync(id, [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3], "broken.jpg", expect: 400))["detail"]!.GetValue<string>());
        Assert.Equal(0L, await app.ScalarAsync("SELECT count(*) FROM activity_photos WHERE activity_id = @id", ("id", id)));
    }

    [Fact]
    public async Task A_photo_over_the_configured_size_gets_a_413_problem_and_nothing_is_stored()
    {
        var (lead, id) = await DraftAsync("Ảnh quá lớn");
        var big = TestImages.NoiseJpeg(1600, 1200);
        Assert.True(big.Length > 2_100_000, $"test image only {big.Length} bytes");
        var body = await lead.PostPhotoAsync(id, big, "big.jpg", expect: 413);
        Assert.Contains("MB", body["detail"]!.GetValue<string>());
        Assert.Equal(0L, await app.ScalarAsync("SELECT count(*) FROM activity_photos WHERE activity_id = @id", ("id", id)));
    }

    [Fact]
    public async Task A_retried_upload_stores_one_photo_and_private_photos_get_private_caching_with_an_etag()
    {
        var (lead, id) = await DraftAsync("Ảnh gửi lại");
        var jpeg = TestImages.Jpeg(2400, 1800);
        var first = await lead.PostPhotoAsync(id, jpeg, "a.jpg", key: "photo-retry-1");
        var again = await lead.PostPhotoAsync(id, jpeg, "a.jpg", key: "photo-retry-1", expect: 200);
        Assert.Equal(first["id"]!.GetValue<long>(), again["id"]!.GetValue<long>());
        Assert.Equal(1L, await app.ScalarAsync("SELECT count(*) FROM activity_photos WHERE activity_id = @id", ("id", id)));
        Assert.Equal(1600, first["width"]!.GetValue<int>()); // the served copy is bounded

        var photo = first["id"]!.GetValue<long>();
        var response = await lead.GetAsync($"/api/photos/{photo}?size=thumb");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl!.Private);
        var etag = response.Headers.ETag!;
        var thumb = await response.Content.ReadAsByteArrayAsync();
        Assert.True(thumb.Length < jpeg.Length);
        var conditional = new HttpRequestMessage(HttpMethod.Get, $"/api/photos/{photo}?size=thumb");
        conditional.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await lead.SendAsync(conditional)).StatusCode);
        // Before approval: not for the public, nor for another team's lead.
        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateClient().GetAsync($"/api/photos/{photo}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await (await app.LoginAsync("lead2")).GetAsync($"/api/photos/{photo}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await lead.GetAsync($"/api/photos/{photo}?size=huge")).StatusCode);
    }

    [Fact]
    public async Task Only_the_activitys_editors_add_photos_and_a_missing_file_field_is_explained()
    {
        var (lead, id) = await DraftAsync("Ảnh của đội khác");
        await (await app.LoginAsync("lead2")).PostPhotoAsync(id, TestImages.Jpeg(), "x.jpg", expect: 403);
        await (await app.LoginAsync("coordc2")).PostPhotoAsync(id, TestImages.Jpeg(), "x.jpg", expect: 403); // C2's coordinator, activity in C1
        var form = new MultipartFormDataContent { { new ByteArrayContent(TestImages.Jpeg()), "image", "x.jpg" } };
        var response = await lead.PostAsync($"/api/activities/{id}/photos", form);
        Assert.Contains("'file'", (await response.AssertProblemAsync(400))["detail"]!.GetValue<string>());
        Assert.Equal(0L, await app.ScalarAsync("SELECT count(*) FROM activity_photos WHERE activity_id = @id", ("id", id)));
    }
}
