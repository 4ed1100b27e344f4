using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ResourceMap.Api.Activities;
using ResourceMap.Api.Auth;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Api.Photos;

/// <summary>
/// Photos of activities. Upload: multipart field "file", JPEG or PNG, within RESOURCEMAP_PHOTO_MAX_BYTES; the server keeps only
/// re-encoded copies (full ≤ 1600 px, thumbnail ≤ 320 px) without EXIF. What EXIF said (time taken, GPS) is returned to the uploader
/// to pre-fill the report and kept private. A photo is public once its activity is approved; before that only its editors see it.
/// </summary>
public static partial class PhotosApi
{
    [GeneratedRegex("^[A-Za-z0-9_.:-]{8,100}$")]
    private static partial Regex KeyPattern();

    public static IEndpointRouteBuilder MapPhotosApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/activities/{id:long}/photos", Upload).WithTags("Photos").WithName("UploadActivityPhoto")
            .WithSummary("Add a photo to an activity (its editors): multipart/form-data, field 'file', JPEG or PNG")
            .WithDescription("HEIC/HEIF, WebP, GIF, TIFF/RAW and other files → 400 saying what the file is. Size limit RESOURCEMAP_PHOTO_MAX_BYTES (413). " +
                             "Header Idempotency-Key: a retry returns the photo already stored. → 201 {id, width, height, thumb_url, full_url, taken_at, exif_lon, exif_lat}.")
            .RequireAuthorization().DisableAntiforgery()
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(409).ProducesProblem(413);
        app.MapGet("/api/photos/{id:long}", Serve).WithTags("Photos").WithName("GetPhoto")
            .WithSummary("A photo, re-encoded without EXIF: size=thumb|full (default full)")
            .WithDescription("ETag and Cache-Control: public for approved activities, private otherwise. 404 for photos the caller may not see.")
            .Produces(200, contentType: "image/jpeg").ProducesProblem(404);
        return app;
    }

    public static JsonObject PhotoJson(ActivityPhoto p, bool full)
    {
        var o = new JsonObject
        {
            ["id"] = p.Id, ["activity_id"] = p.ActivityId, ["content_type"] = p.ContentType, ["width"] = p.Width, ["height"] = p.Height,
            ["thumb_url"] = $"/api/photos/{p.Id}?size=thumb", ["full_url"] = $"/api/photos/{p.Id}?size=full",
        };
        if (full)
        {
            o["taken_at"] = p.TakenAt;
            o["exif_lon"] = p.ExifLon;
            o["exif_lat"] = p.ExifLat;
            o["original_name"] = p.OriginalName;
        }
        return o;
    }

    static string Key(ActivityPhoto p, string size) => $"{p.StorageKey}-{size}.{(p.ContentType == "image/png" ? "png" : "jpg")}";

    static async Task<IResult> Upload(long id, HttpContext http, ClaimsPrincipal principal, PortalDb portal, IPhotoStore store,
        ResourceMapOptions options, CancellationToken ct)
    {
        var me = CurrentUser.From(principal)!;
        var request = http.Request;
        string? key = request.Headers[ActivitiesApi.IdempotencyHeader].ToString() is { Length: > 0 } k ? k : null;
        if (key is not null && !KeyPattern().IsMatch(key))
            return Problems.BadRequest("The Idempotency-Key header must be 8–100 characters of letters, digits, _ . : or - (e.g. a UUID).");

        var activity = await portal.Activities.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (activity is null) return Problems.NotFound($"There is no activity {id}.");
        var mayEdit = me.IsCoordinator
            ? me.AdminScope is null || await me.AllowsPointAsync(await ActivitiesApi.OpenAsync(portal, ct), activity.Geom.X, activity.Geom.Y, ct)
            : me.TeamId is { } t && activity.TeamId == t;
        if (!mayEdit) return Problems.Forbidden("Only the activity's coordinators and team lead may add photos.");

        if (key is not null && await portal.ActivityPhotos.AsNoTracking().FirstOrDefaultAsync(p => p.ActivityId == id && p.IdempotencyKey == key, ct) is { } done)
        {
            http.Response.Headers["Idempotent-Replayed"] = "true";
            return ApiJson.Ok(PhotoJson(done, true));
        }
        if (activity.Status == ActivityStatus.Approved)
            return Problems.Conflict("The activity is approved; a coordinator must return it before photos change.");
        if (await portal.ActivityPhotos.CountAsync(p => p.ActivityId == id, ct) >= options.PhotosPerActivity)
            return Problems.Conflict($"An activity holds at most {options.PhotosPerActivity} photos.");

        var (data, fileName, refused) = await ReadUploadAsync(http, options, ct);
        if (refused is not null) return refused;
        ProcessedPhoto processed;
        try { processed = PhotoProcessor.Process(data, options); }
        catch (PhotoRejected e) { return Problems.BadRequest(e.Message, "Photo refused"); }

        var photo = new ActivityPhoto
        {
            ActivityId = id, StorageKey = $"{id}/{Guid.NewGuid():N}", ContentType = processed.ContentType, Width = processed.Width, Height = processed.Height,
            Bytes = processed.Full.Length, Sha256 = Convert.ToHexStringLower(SHA256.HashData(processed.Full)),
            OriginalName = fileName,
            TakenAt = processed.Exif.TakenAtUtc, ExifLon = processed.Exif.Lon, ExifLat = processed.Exif.Lat,
            IdempotencyKey = key, CreatedBy = me.Id, CreatedAt = DateTime.UtcNow,
        };
        await store.SaveAsync(Key(photo, "full"), processed.Full, ct);
        await store.SaveAsync(Key(photo, "thumb"), processed.Thumb, ct);
        portal.ActivityPhotos.Add(photo);
        try
        {
            await portal.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } && key is not null)
        {
            await store.DeleteAsync(Key(photo, "full"), ct);
            await store.DeleteAsync(Key(photo, "thumb"), ct);
            portal.ChangeTracker.Clear();
            var winner = await portal.ActivityPhotos.AsNoTracking().FirstAsync(p => p.ActivityId == id && p.IdempotencyKey == key, ct);
            http.Response.Headers["Idempotent-Replayed"] = "true";
            return ApiJson.Ok(PhotoJson(winner, true));
        }
        http.Response.Headers.Location = $"/api/photos/{photo.Id}";
        return TypedResults.Json(PhotoJson(photo, true), ApiJson.Options, statusCode: StatusCodes.Status201Created);
    }

    /// <summary>
    /// Reads one image from a multipart field "file" within RESOURCEMAP_PHOTO_MAX_BYTES (the app-wide body limit is 1 MB;
    /// a photo may be larger). Returns the bytes and the file's name, or the problem to answer.
    /// </summary>
    public static async Task<(byte[] Data, string? FileName, IResult? Refused)> ReadUploadAsync(HttpContext http, ResourceMapOptions options, CancellationToken ct)
    {
        var request = http.Request;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = options.PhotoMaxBytes + 64 * 1024;
        if (request.ContentLength > options.PhotoMaxBytes + 64 * 1024) return ([], null, TooLarge(options));
        if (!request.HasFormContentType) return ([], null, Problems.BadRequest("Send the photo as multipart/form-data in a field named 'file'."));
        IFormFile? file;
        try
        {
            var form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = options.PhotoMaxBytes + 64 * 1024 }, ct);
            file = form.Files.GetFile("file");
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return ([], null, e is BadHttpRequestException { StatusCode: 413 } || e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase)
                ? TooLarge(options) : Problems.BadRequest("The multipart body could not be read; send the photo in a field named 'file'."));
        }
        if (file is null || file.Length == 0) return ([], null, Problems.BadRequest("Send the photo in a multipart field named 'file'."));
        if (file.Length > options.PhotoMaxBytes) return ([], null, TooLarge(options));
        var data = new byte[file.Length];
        await using (var s = file.OpenReadStream()) await s.ReadExactlyAsync(data, ct);
        return (data, Path.GetFileName(file.FileName) is { Length: > 0 and <= 200 } n ? n : null, null);
    }

    static IResult TooLarge(ResourceMapOptions options) => TypedResults.Problem(
        detail: $"The photo is too large: at most {options.PhotoMaxBytes / (1024 * 1024)} MB per photo.", statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Photo too large");

    static async Task<IResult> Serve(long id, HttpContext http, ClaimsPrincipal principal, PortalDb portal, IPhotoStore store, CancellationToken ct)
    {
        var size = http.Request.Query["size"].ToString() is { Length: > 0 } s ? s : "full";
        if (size is not ("thumb" or "full")) return Problems.BadRequest("size must be thumb or full.");
        var photo = await portal.ActivityPhotos.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        var activity = photo is null ? null : await portal.Activities.AsNoTracking().FirstOrDefaultAsync(a => a.Id == photo.ActivityId, ct);
        if (photo is null || activity is null) return Problems.NotFound($"There is no photo {id}.");
        var isPublic = activity.Status == ActivityStatus.Approved;
        if (!isPublic)
        {
            var me = CurrentUser.From(principal);
            var allowed = me is not null && (me.IsCoordinator
                ? me.AdminScope is null || await me.AllowsPointAsync(await ActivitiesApi.OpenAsync(portal, ct), activity.Geom.X, activity.Geom.Y, ct)
                : me.TeamId is { } t && activity.TeamId == t);
            if (!allowed) return Problems.NotFound($"There is no photo {id}.");
        }
        var etag = $"\"{photo.Sha256[..32]}-{size}\"";
        http.Response.Headers.CacheControl = isPublic ? "public, max-age=3600" : "private, no-cache";
        http.Response.Headers.ETag = etag;
        http.Response.Headers.Vary = "Authorization";
        if (HttpCaching.NotModified(http.Request, etag))
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        var stream = await store.OpenReadAsync(Key(photo, size), ct);
        if (stream is null) return Problems.NotFound($"The file of photo {id} is missing from the photo store.");
        return TypedResults.Stream(stream, photo.ContentType);
    }
}
