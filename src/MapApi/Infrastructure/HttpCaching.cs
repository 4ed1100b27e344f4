using System.IO.Compression;
using System.IO.Hashing;
using Microsoft.AspNetCore.ResponseCompression;
using Microsoft.Net.Http.Headers;

namespace ResourceMap.Api.Infrastructure;

/// <summary>
/// Compressed and cacheable responses (issue 10): Brotli/gzip for JSON, GeoJSON, vector tiles and the web map's files;
/// an ETag (and 304 Not Modified) on tiles and catalogue reads; Cache-Control on static files.
/// </summary>
public static class HttpCaching
{
    static readonly string[] CompressedTypes =
    [
        "application/json", "application/problem+json", "application/geo+json", "application/vnd.mapbox-vector-tile",
        "text/plain", "text/html", "text/css", "text/javascript", "application/javascript", "image/svg+xml",
    ];

    /// <summary>
    /// GET paths whose body this middleware buffers to give it an ETag; a matching If-None-Match gets 304 with no body.
    /// Vector tiles set their own (LayerTiles): the endpoint holds the bytes, so they are hashed without being copied.
    /// </summary>
    static bool Validated(PathString path) =>
        path.StartsWithSegments("/api/layers") && path.Value!.TrimEnd('/') == "/api/layers"
        || path.StartsWithSegments("/api/skills") || path.StartsWithSegments("/api/vocabularies");

    /// <summary>
    /// A weak ETag (the same entity may be sent Brotli-, gzip- or un-compressed) from a non-cryptographic 128-bit hash:
    /// it is computed on every response, and a 470 KB tile is hashed in a fraction of SHA-256's time.
    /// </summary>
    public static string ETagOf(ReadOnlySpan<byte> body) => $"W/\"{Convert.ToHexStringLower(XxHash128.Hash(body))}\"";

    /// <summary>Whether the request's If-None-Match names this ETag (or *): the one conditional-GET test (tiles, catalogue reads, photos, logos).</summary>
    public static bool NotModified(HttpRequest request, string etag) =>
        request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Any(t => t.Trim() == etag || t.Trim() == "*"));

    /// <summary>Whether the request's Accept-Encoding allows gzip (named, or *, with a quality above 0).</summary>
    public static bool AcceptsGzip(HttpRequest request) =>
        request.GetTypedHeaders().AcceptEncoding.Any(e =>
            (e.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase) || e.Value == "*") && e.Quality is null or > 0);

    public static IServiceCollection AddResourceMapCompression(this IServiceCollection services)
    {
        services.AddResponseCompression(o =>
        {
            o.EnableForHttps = true;
            o.Providers.Add<BrotliCompressionProvider>();
            o.Providers.Add<GzipCompressionProvider>();
            o.MimeTypes = CompressedTypes;
        });
        // Fastest: on a small server the CPU spent compressing must not cost more than the bytes saved.
        services.Configure<BrotliCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        services.Configure<GzipCompressionProviderOptions>(o => o.Level = CompressionLevel.Fastest);
        return services;
    }

    public static WebApplication UseResourceMapCaching(this WebApplication app)
    {
        app.UseResponseCompression();
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
            {
                await next();
                return;
            }
            if (!request.Path.StartsWithSegments("/api"))
            {
                // Static files: the npm packages and basemap change only with a deployment; the page itself revalidates (ETag).
                context.Response.OnStarting(() =>
                {
                    if (context.Response.StatusCode == 200 && !context.Response.Headers.ContainsKey(HeaderNames.CacheControl))
                        context.Response.Headers.CacheControl =
                            request.Path.StartsWithSegments("/vendor") || request.Path.StartsWithSegments("/basemap") ? "public, max-age=86400" : "no-cache";
                    return Task.CompletedTask;
                });
                await next();
                return;
            }
            if (!Validated(request.Path))
            {
                await next();
                return;
            }
            var original = context.Response.Body;
            await using var buffer = new MemoryStream();
            context.Response.Body = buffer;
            try { await next(); }
            finally { context.Response.Body = original; }
            if (context.Response.StatusCode == 200)
            {
                var etag = ETagOf(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
                context.Response.Headers.ETag = etag;
                if (NotModified(request, etag))
                {
                    context.Response.StatusCode = StatusCodes.Status304NotModified;
                    context.Response.ContentLength = null;
                    return;
                }
            }
            buffer.Position = 0;
            await buffer.CopyToAsync(original, context.RequestAborted);
        });
        return app;
    }
}
