using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Npgsql;
using ResourceMap.Api.Auth;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Api.Photos;

namespace ResourceMap.Api.Teams;

/// <summary>
/// A team's logo or group photo: set by the team's lead or a coordinator in scope, public like the team's name.
/// The upload goes through the photo pipeline (JPEG/PNG only, size limits, re-encoded, EXIF stripped), so a photo
/// taken at someone's home never publishes where it was taken.
/// </summary>
public static class TeamLogoApi
{
    public sealed record LogoResponse(long TeamId, string ContentType, int Width, int Height, string ThumbUrl, string FullUrl);

    public static IEndpointRouteBuilder MapTeamLogoApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/teams/{id:long}/logo").WithTags("Registry");
        api.MapPut("", Upload).WithName("SetTeamLogo")
            .WithSummary("Set the team's logo or photo (its lead or a coordinator): multipart/form-data, field 'file', JPEG or PNG")
            .WithDescription("Re-encoded without EXIF (full ≤ 1600 px, thumbnail ≤ 320 px); replaces the previous one; recorded in the team's history. " +
                             "HEIC, WebP, GIF and other files → 400 saying what the file is; over RESOURCEMAP_PHOTO_MAX_BYTES → 413.")
            .RequireAuthorization().DisableAntiforgery()
            .Produces<LogoResponse>().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(413);
        api.MapGet("", Serve).WithName("GetTeamLogo")
            .WithSummary("The team's logo: size=thumb|full (default thumb), public, with ETag")
            .Produces(200, contentType: "image/jpeg").ProducesProblem(400).ProducesProblem(404);
        api.MapDelete("", Remove).WithName("RemoveTeamLogo")
            .WithSummary("Remove the team's logo (its lead or a coordinator)")
            .RequireAuthorization().Produces(204).ProducesProblem(403).ProducesProblem(404);
        return app;
    }

    sealed record Logo(string StorageKey, string ContentType, int Width, int Height, string Sha256);

    static string FileKey(string storageKey, string contentType, string size) => $"{storageKey}-{size}.{(contentType == "image/png" ? "png" : "jpg")}";

    static async Task<Logo?> FindAsync(NpgsqlConnection conn, long id, CancellationToken ct)
    {
        await using var r = await conn.Command(
            "SELECT storage_key, content_type, width, height, sha256 FROM team_logos WHERE team_id = @id", ("id", id)).ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? new Logo(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetInt32(3), r.GetString(4)) : null;
    }

    static async Task<bool> TeamExistsAsync(NpgsqlConnection conn, long id, CancellationToken ct) =>
        await conn.Command("SELECT EXISTS (SELECT 1 FROM teams WHERE id = @id)", ("id", id)).ExecuteScalarAsync(ct) is true;

    static async Task<IResult> Upload(long id, HttpContext http, ClaimsPrincipal principal, NpgsqlDataSource db, IPhotoStore store,
        ResourceMapOptions options, CancellationToken ct)
    {
        var me = CurrentUser.From(principal)!;
        await using (var check = await db.OpenConnectionAsync(ct))
            if (!await TeamExistsAsync(check, id, ct)) return Problems.NotFound($"There is no team {id}.");
        if (await TeamsApi.RefuseEditAsync(me, id, db, "change its logo", ct) is { } refused) return refused;
        var (data, _, unreadable) = await PhotosApi.ReadUploadAsync(http, options, ct);
        if (unreadable is not null) return unreadable;
        ProcessedPhoto processed;
        try { processed = PhotoProcessor.Process(data, options); }
        catch (PhotoRejected e) { return Problems.BadRequest(e.Message, "Photo refused"); }

        var storageKey = $"teams/{id}/{Guid.NewGuid():N}";
        await store.SaveAsync(FileKey(storageKey, processed.ContentType, "full"), processed.Full, ct);
        await store.SaveAsync(FileKey(storageKey, processed.ContentType, "thumb"), processed.Thumb, ct);
        Logo? previous;
        await using (var conn = await db.OpenConnectionAsync(ct))
        await using (var tx = await conn.BeginTransactionAsync(ct))
        {
            // The team row's lock orders concurrent uploads; the loser's files are the ones removed below.
            await conn.Command("SELECT 1 FROM teams WHERE id = @id FOR UPDATE", ("id", id)).ExecuteNonQueryAsync(ct);
            previous = await FindAsync(conn, id, ct);
            await conn.Command("""
                INSERT INTO team_logos (team_id, storage_key, content_type, width, height, sha256, uploaded_by)
                VALUES (@id, @key, @type, @w, @h, @sha, @by)
                ON CONFLICT (team_id) DO UPDATE SET storage_key = excluded.storage_key, content_type = excluded.content_type,
                    width = excluded.width, height = excluded.height, sha256 = excluded.sha256,
                    uploaded_by = excluded.uploaded_by, uploaded_at = clock_timestamp()
                """, ("id", id), ("key", storageKey), ("type", processed.ContentType), ("w", processed.Width), ("h", processed.Height),
                ("sha", Convert.ToHexStringLower(SHA256.HashData(processed.Full))), ("by", me.Username)).ExecuteNonQueryAsync(ct);
            await RecordAsync(conn, id, me, previous is null ? "added" : "replaced", ct);
            await tx.CommitAsync(ct);
        }
        if (previous is not null) await DeleteFilesAsync(store, previous, ct);
        return ApiJson.Ok(Response(id, processed.ContentType, processed.Width, processed.Height));
    }

    static async Task<IResult> Serve(long id, HttpContext http, NpgsqlDataSource db, IPhotoStore store, CancellationToken ct)
    {
        var size = http.Request.Query["size"].ToString() is { Length: > 0 } s ? s : "thumb";
        if (size is not ("thumb" or "full")) return Problems.BadRequest("size must be thumb or full.");
        Logo? logo;
        await using (var conn = await db.OpenConnectionAsync(ct)) logo = await FindAsync(conn, id, ct);
        if (logo is null) return Problems.NotFound($"Team {id} has no logo.");
        var etag = $"\"{logo.Sha256[..32]}-{size}\"";
        http.Response.Headers.CacheControl = "public, max-age=300";
        http.Response.Headers.ETag = etag;
        if (HttpCaching.NotModified(http.Request, etag)) return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        var stream = await store.OpenReadAsync(FileKey(logo.StorageKey, logo.ContentType, size), ct);
        if (stream is null) return Problems.NotFound($"The file of team {id}'s logo is missing from the photo store.");
        return TypedResults.Stream(stream, logo.ContentType);
    }

    static async Task<IResult> Remove(long id, ClaimsPrincipal principal, NpgsqlDataSource db, IPhotoStore store, CancellationToken ct)
    {
        var me = CurrentUser.From(principal)!;
        if (await TeamsApi.RefuseEditAsync(me, id, db, "remove its logo", ct) is { } refused) return refused;
        Logo? removed;
        await using (var conn = await db.OpenConnectionAsync(ct))
        await using (var tx = await conn.BeginTransactionAsync(ct))
        {
            removed = await FindAsync(conn, id, ct);
            if (removed is null) return Problems.NotFound($"Team {id} has no logo.");
            await conn.Command("DELETE FROM team_logos WHERE team_id = @id", ("id", id)).ExecuteNonQueryAsync(ct);
            await RecordAsync(conn, id, me, "removed", ct);
            await tx.CommitAsync(ct);
        }
        await DeleteFilesAsync(store, removed, ct);
        return TypedResults.NoContent();
    }

    static Task RecordAsync(NpgsqlConnection conn, long id, CurrentUser me, string what, CancellationToken ct) =>
        conn.Command("INSERT INTO team_history (team_id, action, changed_by, changes) VALUES (@id, 'logo', @by, @changes::jsonb)",
            ("id", id), ("by", me.Username), ("changes", new JsonObject { ["logo"] = what }.ToJsonString())).ExecuteNonQueryAsync(ct);

    static async Task DeleteFilesAsync(IPhotoStore store, Logo logo, CancellationToken ct)
    {
        await store.DeleteAsync(FileKey(logo.StorageKey, logo.ContentType, "full"), ct);
        await store.DeleteAsync(FileKey(logo.StorageKey, logo.ContentType, "thumb"), ct);
    }

    static LogoResponse Response(long id, string contentType, int width, int height) =>
        new(id, contentType, width, height, $"/api/teams/{id}/logo?size=thumb", $"/api/teams/{id}/logo?size=full");
}
