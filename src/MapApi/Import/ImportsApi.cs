using System.Security.Claims;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;
using ResourceMap.Api.Auth;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Api.Teams;

namespace ResourceMap.Api.Import;

/// <summary>POST /api/imports (dry run or commit), GET /api/imports/{id}, XLSX templates with Vietnamese headers.</summary>
public static class ImportsApi
{
    public sealed record FieldInfo(string Column, string HeaderVi, string HeaderEn, bool Required, string Kind, IReadOnlyList<string>? Values);
    public sealed record LayerInfo(string Id, string TitleVi, string TitleEn, string TemplateUrl, IReadOnlyList<FieldInfo> Columns);

    public static IEndpointRouteBuilder MapImportsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/imports").WithTags("Imports");

        api.MapPost("", Import)
            .WithName("Import")
            .WithSummary("Import a file into a layer (coordinators): dry_run=true checks and reports, dry_run=false writes all rows or none")
            .WithDescription("multipart/form-data with one part `file`: .xlsx, .csv (UTF-8 or UTF-16 with BOM), .geojson, .kml, .kmz or a .zip " +
                             "holding a Shapefile (WGS 84). layer: teams, red-addresses, hardship-villages, border-markers or needs. Rows are " +
                             "matched by external id (re-importing updates instead of duplicating). Locations: longitude/latitude, VN-2000 X/Y " +
                             "with the zone, or only commune/district/province names (flagged approximate). The report lists every bad row " +
                             "(row, column, reason in English and Vietnamese) and is stored (GET /api/imports/{id}). " +
                             "A commit with bad rows answers 422 and writes nothing.")
            .RequireAuthorization()
            .Produces<ImportReport>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        api.MapGet("/{id:long}", GetImport)
            .WithName("GetImport")
            .WithSummary("A stored import report (coordinators; a scoped coordinator sees their own imports)")
            .RequireAuthorization()
            .Produces<ImportReport>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/layers", () => ApiJson.Ok(ImportLayers.All.Select(Describe).ToList()))
            .WithName("ImportLayers")
            .WithSummary("Layers that can be imported, with their template columns (Vietnamese and English headers)")
            .Produces<List<LayerInfo>>();

        api.MapGet("/templates/{file}", Template)
            .WithName("ImportTemplate")
            .WithSummary("An XLSX template for a layer (e.g. teams.xlsx): Vietnamese headers, one sample row, and a sheet explaining each column")
            .Produces(StatusCodes.Status200OK, contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    static LayerInfo Describe(ImportLayer layer) => new(layer.Id, layer.TitleVi, layer.TitleEn, $"/api/imports/templates/{layer.Id}.xlsx",
        ImportLayers.FieldsOf(layer).Select(f => new FieldInfo(f.Column, f.HeaderVi, f.HeaderEn, f.Required, f.Kind.ToString().ToLowerInvariant(),
            f.Vocabulary?.Values.Distinct().ToList())).ToList());

    static async Task<IResult> Import(HttpRequest request, ClaimsPrincipal principal, Importer importer, ResourceMapOptions options,
        CancellationToken ct, string? layer = null, string? dry_run = null)
    {
        var me = CurrentUser.From(principal)!;
        if (!me.IsCoordinator) return Problems.Forbidden("Only coordinators may import data.");
        if (ImportLayers.Find(layer) is null)
            return Problems.BadRequest($"layer must be one of: {string.Join(", ", ImportLayers.All.Select(l => l.Id))}.");
        bool dryRun;
        switch (dry_run?.ToLowerInvariant())
        {
            case null or "true" or "1": dryRun = true; break;
            case "false" or "0": dryRun = false; break;
            default: return Problems.BadRequest("dry_run must be true or false (default true: check without writing).");
        }
        // The app-wide body limit is small; an import may be larger, up to ResourceMapOptions.ImportMaxBytes.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = options.Limits.MaxImportUploadBytes + 64 * 1024;
        if (request.ContentLength > options.Limits.MaxImportUploadBytes + 64 * 1024)
            return Problems.BadRequest($"The file may be at most {options.Limits.MaxImportUploadBytes / 1024 / 1024} MB.");
        if (!request.HasFormContentType) return Problems.BadRequest("Send the file as multipart/form-data in a part named 'file'.");
        IFormCollection form;
        try { form = await request.ReadFormAsync(new Microsoft.AspNetCore.Http.Features.FormOptions { MultipartBodyLengthLimit = options.Limits.MaxImportUploadBytes }, ct); }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
        {
            return Problems.BadRequest($"The upload could not be read (the file may be at most {options.Limits.MaxImportUploadBytes / 1024 / 1024} MB).");
        }
        if (form.Files.GetFile("file") is not { } file) return Problems.BadRequest("Send the file as multipart/form-data in a part named 'file'.");
        if (file.Length > options.Limits.MaxImportUploadBytes) return Problems.BadRequest($"The file may be at most {options.Limits.MaxImportUploadBytes / 1024 / 1024} MB.");
        if (ImportReader.FormatOf(file.FileName) is null)
            return Problems.BadRequest("The file must be .xlsx, .csv, .geojson, .kml, .kmz or a .zip holding a Shapefile.");
        using var buffer = new MemoryStream();
        await file.CopyToAsync(buffer, ct);

        var report = await importer.RunAsync(layer!, file.FileName, buffer.ToArray(), dryRun, new Importing(me.Username, me.AdminScope), ct);
        if (report.Status == "invalid" && !dryRun)
            return TypedResults.Json(report, ApiJson.Options, "application/json", StatusCodes.Status422UnprocessableEntity);
        return ApiJson.Ok(report);
    }

    static async Task<IResult> GetImport(long id, ClaimsPrincipal principal, RegistryDb ef, CancellationToken ct)
    {
        var me = CurrentUser.From(principal)!;
        if (!me.IsCoordinator) return Problems.Forbidden("Only coordinators may read import reports.");
        var record = await ef.Imports.AsNoTracking().SingleOrDefaultAsync(i => i.Id == id, ct);
        if (record is null || (me.AdminScope is not null && record.CreatedBy != me.Username)) return Problems.NotFound($"There is no import {id}.");
        return ApiJson.Ok(Importer.FromRecord(record));
    }

    static IResult Template(string file)
    {
        var layer = file.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase) ? ImportLayers.Find(file[..^5]) : null;
        if (layer is null)
            return Problems.NotFound($"No template '{file}'; one of: {string.Join(", ", ImportLayers.All.Select(l => l.Id + ".xlsx"))}.");
        var sample = new Dictionary<string, object?>();
        foreach (var f in ImportLayers.FieldsOf(layer)) sample[f.HeaderVi] = f.Sample;
        var help = ImportLayers.FieldsOf(layer).Select(f => new Dictionary<string, object?>
        {
            ["Cột"] = f.HeaderVi, ["Column"] = f.HeaderEn, ["Bắt buộc / Required"] = f.Required ? "có / yes" : "",
            ["Giá trị / Values"] = f.Vocabulary is { } v ? string.Join(", ", v.Keys.Distinct()) : HelpFor(f),
        }).ToList();
        var sheets = new Dictionary<string, object>
        {
            [layer.TitleVi.Length > 31 ? layer.TitleVi[..31] : layer.TitleVi] = new[] { sample },
            ["Hướng dẫn"] = help,
        };
        using var stream = new MemoryStream();
        MiniExcel.SaveAs(stream, sheets);
        return Results.File(stream.ToArray(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", $"{layer.Id}.xlsx");
    }

    static string HelpFor(ImportField f) => f.Column switch
    {
        ImportLayers.ExternalId => "Mã riêng của đơn vị; nhập lại cùng mã sẽ cập nhật / the unit's own id; re-importing updates",
        ImportLayers.Lon or ImportLayers.Lat => "WGS84, độ thập phân / decimal degrees",
        ImportLayers.X or ImportLayers.Y => "VN-2000, mét; X/Y theo thứ tự nào cũng được / metres, either order",
        ImportLayers.Zone => "UTM48, UTM49 hoặc TM3 kèm kinh tuyến trục, ví dụ TM3 107°45'",
        ImportLayers.Commune or ImportLayers.District or ImportLayers.Province => "Chỉ có tên → vị trí gần đúng (tâm đơn vị) / name only → approximate",
        _ => f.Kind switch
        {
            FieldKind.Date => "dd/mm/yyyy",
            FieldKind.Skills => "mã hoặc tên kỹ năng, cách nhau bởi ; (xem /api/skills)",
            FieldKind.Bool => "có / không",
            FieldKind.Km => "km",
            _ => "",
        },
    };
}
