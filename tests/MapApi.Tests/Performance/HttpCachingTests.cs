using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Performance;

public sealed class HttpCachingTests(MapApiFactory app) : IClassFixture<MapApiFactory>
{
    [Theory]
    [InlineData("br")]
    [InlineData("gzip")]
    public async Task Features_are_compressed_when_the_client_accepts_it_and_decompress_to_the_same_body(string encoding)
    {
        var client = app.CreateClient();
        const string url = "/api/layers/hardship-villages/features?limit=200";
        var plain = await client.GetAsync(url);
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        var plainText = await plain.Content.ReadAsStringAsync();

        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue(encoding));
        var compressed = await client.SendAsync(request);
        Assert.Equal([encoding], compressed.Content.Headers.ContentEncoding);
        var bytes = await compressed.Content.ReadAsByteArrayAsync();
        Assert.True(bytes.Length < plainText.Length, $"{bytes.Length} compressed bytes for {plainText.Length} plain");
        await using Stream decoder = encoding == "br"
            ? new BrotliStream(new MemoryStream(bytes), CompressionMode.Decompress)
            : new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        var text = await new StreamReader(decoder).ReadToEndAsync();
        // The timeStamp member differs between the two responses; everything before it is the same features.
        Assert.Equal(plainText[..plainText.IndexOf("\"timeStamp\"", StringComparison.Ordinal)], text[..text.IndexOf("\"timeStamp\"", StringComparison.Ordinal)]);
    }

    [Theory]
    [InlineData("/api/layers/teams/tiles/6/50/28.mvt")]
    [InlineData("/api/layers")]
    [InlineData("/api/skills")]
    public async Task Tiles_and_catalogue_reads_carry_an_etag_and_answer_304_when_unchanged(string url)
    {
        var client = app.CreateClient();
        var first = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.True(etag!.IsWeak);

        using var again = new HttpRequestMessage(HttpMethod.Get, url);
        again.Headers.IfNoneMatch.Add(etag);
        var notModified = await client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        // Negative control: another tag gets the full body.
        using var other = new HttpRequestMessage(HttpMethod.Get, url);
        other.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"0000\"", true));
        var full = await client.SendAsync(other);
        Assert.Equal(HttpStatusCode.OK, full.StatusCode);
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await full.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task The_web_page_revalidates_and_answers_304_when_unchanged()
    {
        var client = app.CreateClient();
        var page = await client.GetAsync("/index.html");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("no-cache", page.Headers.CacheControl!.ToString());
        using var again = new HttpRequestMessage(HttpMethod.Get, "/index.html");
        again.Headers.IfNoneMatch.Add(page.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(again)).StatusCode);
    }
}
