using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Xml;
using MiniExcelLibs;
using Npgsql;
using ResourceMap.Api.Auth;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Api.Layers;

namespace ResourceMap.Api.Export;

/// <summary>
/// GET /api/layers/{layer}/export: the features a /features request selects, all of them (up to
/// ResourceMapOptions.ExportMaxRows), as CSV, XLSX, GeoJSON or KML. Column names are the feature property names
/// plus lon/lat (points) or wkt (polygons), so the bulk import reads them back (docs/import-export.md).
/// Private fields appear only for viewers who may see them, row by row.
/// </summary>
public static class ExportApi
{
    public static readonly string[] Formats = ["csv", "xlsx", "geojson", "kml"];

    public static IEndpointRouteBuilder MapExportApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/layers/{layer}/export", Export)
            .WithTags("Layers")
            .WithName("ExportLayer")
            .WithSummary("Download the features a /features request selects as CSV, XLSX, GeoJSON or KML")
            .WithDescription("format=csv|xlsx|geojson|kml (default csv). Same filters as /api/layers/{layer}/features (bbox, near + radius_m, q, admin + date, " +
                             "layer filters) but no paging: every selected feature, at most RESOURCEMAP_EXPORT_MAX_ROWS (default 100000; more is a 400). " +
                             "Columns: id, the feature's property names, then lon and lat (points) or wkt (polygons); lists joined by ';', objects as JSON. " +
                             "CSV is UTF-8 with a byte-order mark (Excel). Private fields (teams' private contacts, needs' restricted_details) only for " +
                             "coordinators (inside their scope) and the team's own lead. See docs/import-export.md.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    static async Task<IResult> Export(
        string layer, NpgsqlDataSource db, ResourceMapOptions options, HttpRequest request, ClaimsPrincipal principal, CancellationToken ct,
        string? format = null, string? bbox = null, string? q = null, string? admin = null, DateOnly? date = null,
        string? near = null, double? radius_m = null)
    {
        if (LayerCatalog.Find(layer) is not { } definition)
            return Problems.NotFound($"There is no layer '{layer}'. Layers: {string.Join(", ", LayerCatalog.All.Select(l => l.Id))}.");
        var fmt = string.IsNullOrWhiteSpace(format) ? "csv" : format.Trim().ToLowerInvariant();
        if (!Formats.Contains(fmt)) return Problems.BadRequest($"format '{format}' is not one of: {string.Join(", ", Formats)}.");

        var (selection, error) = await LayersApi.BindSelectionAsync(definition, db, request, bbox, q, admin, date, near, radius_m, ct);
        if (error is not null) return error;
        var parameters = selection!.Parameters;

        long matched;
        await using (var conn = await db.OpenConnectionAsync(ct))
        await using (var count = conn.Command(ExportQueries.Count(definition, selection.Query)))
        {
            count.Parameters.AddRange(parameters.Select(p => p.Clone()).ToArray());
            matched = (long)(await count.ExecuteScalarAsync(ct))!;
        }
        if (matched > options.Limits.ExportMaxRows)
            return Problems.BadRequest($"The selection holds {matched} features; an export holds at most {options.Limits.ExportMaxRows}. " +
                                       "Narrow it with bbox, admin, q or a layer filter, and export the parts one by one.", "Export too large");

        var viewer = CurrentUser.From(principal);
        var privateFields = ExportQueries.Private.GetValueOrDefault(definition.Id);
        // Private columns exist only for viewers who can hold private data at all; each row still decides for itself.
        var withPrivate = privateFields is not null && viewer is not null && (viewer.IsCoordinator || viewer.Role == Roles.TeamLead);
        parameters.Add(new("cap", options.Limits.ExportMaxRows));
        parameters.Add(new("coordinator", viewer?.IsCoordinator == true));
        parameters.Add(new("scope", (object?)viewer?.AdminScope ?? DBNull.Value));
        parameters.Add(new("viewer_team", (object?)(viewer?.Role == Roles.TeamLead ? viewer.TeamId : null) ?? DBNull.Value));

        var isPoint = definition.GeometryType == "Point";
        var geometry = fmt switch
        {
            "geojson" => ExportQueries.Geometry.GeoJson,
            "kml" => ExportQueries.Geometry.Kml,
            _ => isPoint ? ExportQueries.Geometry.LonLat : ExportQueries.Geometry.Wkt,
        };
        var columns = new List<string> { "id" };
        columns.AddRange(definition.PublicColumns);
        if (withPrivate) columns.AddRange(privateFields!.Names);
        var sql = ExportQueries.Rows(definition, selection.Query, geometry, withPrivate);
        var export = new LayerExport(definition, fmt, columns, isPoint, sql, parameters, db);
        return export;
    }

    /// <summary>Streams the rows in the chosen format once the response starts (the query runs then).</summary>
    sealed class LayerExport(LayerDefinition layer, string format, List<string> columns, bool isPoint, string sql,
        List<NpgsqlParameter> parameters, NpgsqlDataSource db) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            var ct = http.RequestAborted;
            var (contentType, extension) = format switch
            {
                "csv" => ("text/csv; charset=utf-8", "csv"),
                "xlsx" => ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
                "geojson" => ("application/geo+json; charset=utf-8", "geojson"),
                _ => ("application/vnd.google-earth.kml+xml; charset=utf-8", "kml"),
            };
            await using var conn = await db.OpenConnectionAsync(ct);
            await using var command = conn.Command(sql);
            command.Parameters.AddRange(parameters.ToArray());
            await using var reader = await command.ExecuteReaderAsync(ct);

            http.Response.ContentType = contentType;
            var fileName = $"{layer.Id}-{VietnamTime.Today:yyyy-MM-dd}.{extension}";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
            var body = http.Response.Body;
            switch (format)
            {
                case "csv": await WriteCsvAsync(reader, body, ct); break;
                case "xlsx": await WriteXlsxAsync(reader, body, ct); break;
                case "geojson": await WriteGeoJsonAsync(reader, body, ct); break;
                default: await WriteKmlAsync(reader, body, ct); break;
            }
        }

        IReadOnlyList<string> Header => [.. columns, .. isPoint ? new[] { "lon", "lat" } : ["wkt"]];

        /// <summary>One row as cell texts in column order (geometry last).</summary>
        string?[] Cells(long id, JsonElement properties, string? geometry1, string? geometry2)
        {
            var cells = new string?[Header.Count];
            cells[0] = id.ToString(CultureInfo.InvariantCulture);
            for (var i = 1; i < columns.Count; i++)
                cells[i] = properties.TryGetProperty(columns[i], out var v) ? ExportValues.Text(v) : null;
            cells[columns.Count] = geometry1;
            if (isPoint) cells[columns.Count + 1] = geometry2;
            return cells;
        }

        async Task WriteCsvAsync(NpgsqlDataReader reader, Stream body, CancellationToken ct)
        {
            // The byte-order mark tells Excel the file is UTF-8; without it Vietnamese text turns to mojibake.
            await using var writer = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 16 * 1024) { NewLine = "\r\n" };
            await writer.WriteLineAsync(string.Join(',', Header.Select(ExportValues.CsvField)));
            var rows = 0;
            while (await reader.ReadAsync(ct))
            {
                using var properties = JsonDocument.Parse(reader.GetString(1));
                var cells = Cells(reader.GetInt64(0), properties.RootElement, reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3));
                await writer.WriteLineAsync(string.Join(',', cells.Select(c => ExportValues.CsvField(ExportValues.Defuse(c)))));
                if (++rows % 500 == 0) await writer.FlushAsync(ct);
            }
        }

        async Task WriteXlsxAsync(NpgsqlDataReader reader, Stream body, CancellationToken ct)
        {
            // Numbers stay numbers in the sheet; text stays text (an XLSX cell is never a formula here).
            var numeric = new HashSet<string>(StringComparer.Ordinal);
            var rows = new List<Dictionary<string, object?>>();
            while (await reader.ReadAsync(ct))
            {
                using var properties = JsonDocument.Parse(reader.GetString(1));
                var root = properties.RootElement;
                var row = new Dictionary<string, object?> { ["id"] = reader.GetInt64(0) };
                for (var i = 1; i < columns.Count; i++)
                    row[columns[i]] = root.TryGetProperty(columns[i], out var v) ? ExportValues.Cell(v) : null;
                var g1 = reader.IsDBNull(2) ? null : reader.GetString(2);
                var g2 = reader.IsDBNull(3) ? null : reader.GetString(3);
                if (isPoint)
                {
                    row["lon"] = g1 is null ? null : double.Parse(g1, CultureInfo.InvariantCulture);
                    row["lat"] = g2 is null ? null : double.Parse(g2, CultureInfo.InvariantCulture);
                }
                else row["wkt"] = g1;
                rows.Add(row);
            }
            if (rows.Count == 0) rows.Add(Header.ToDictionary(h => h, _ => (object?)null)); // headers even for an empty selection
            // MiniExcel writes a zip that needs a seekable stream; a temporary file keeps large exports out of memory.
            var path = Path.GetTempFileName();
            try
            {
                await using (var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
                {
                    await MiniExcel.SaveAsAsync(file, rows, sheetName: layer.Id, excelType: ExcelType.XLSX, cancellationToken: ct);
                    file.Position = 0;
                    await file.CopyToAsync(body, ct);
                }
            }
            finally { File.Delete(path); }
        }

        async Task WriteGeoJsonAsync(NpgsqlDataReader reader, Stream body, CancellationToken ct)
        {
            await using var writer = new StreamWriter(body, new UTF8Encoding(false), 16 * 1024);
            await writer.WriteAsync($"{{\"type\":\"FeatureCollection\",\"name\":\"{layer.Id}\",\"features\":[");
            var rows = 0;
            while (await reader.ReadAsync(ct))
            {
                if (rows > 0) await writer.WriteAsync(",\n");
                // PostGIS's own JSON: properties and geometry are copied, never re-serialised.
                await writer.WriteAsync($"{{\"type\":\"Feature\",\"id\":{reader.GetInt64(0).ToString(CultureInfo.InvariantCulture)},\"geometry\":{reader.GetString(2)},\"properties\":{reader.GetString(1)}}}");
                if (++rows % 500 == 0) await writer.FlushAsync(ct);
            }
            await writer.WriteAsync("]}\n");
        }

        async Task WriteKmlAsync(NpgsqlDataReader reader, Stream body, CancellationToken ct)
        {
            const string Kml = "http://www.opengis.net/kml/2.2";
            await using var xml = XmlWriter.Create(body, new XmlWriterSettings
            {
                Async = true, Encoding = new UTF8Encoding(false), Indent = false, CheckCharacters = true,
            });
            await xml.WriteStartDocumentAsync();
            await xml.WriteStartElementAsync(null, "kml", Kml);
            await xml.WriteStartElementAsync(null, "Document", Kml);
            await xml.WriteElementStringAsync(null, "name", Kml, $"{layer.TitleVi} / {layer.TitleEn}");
            // A Schema makes GDAL/QGIS/Google Earth read each property as a named field (SchemaData below).
            await xml.WriteStartElementAsync(null, "Schema", Kml);
            await xml.WriteAttributeStringAsync(null, "name", null, layer.Id);
            await xml.WriteAttributeStringAsync(null, "id", null, layer.Id);
            foreach (var c in columns)
            {
                await xml.WriteStartElementAsync(null, "SimpleField", Kml);
                await xml.WriteAttributeStringAsync(null, "name", null, c);
                await xml.WriteAttributeStringAsync(null, "type", null, "string");
                await xml.WriteEndElementAsync();
            }
            await xml.WriteEndElementAsync();
            var label = columns.FirstOrDefault(c => c is "name" or "title" or "marker_number");
            while (await reader.ReadAsync(ct))
            {
                using var properties = JsonDocument.Parse(reader.GetString(1));
                var cells = Cells(reader.GetInt64(0), properties.RootElement, null, null);
                await xml.WriteStartElementAsync(null, "Placemark", Kml);
                await xml.WriteAttributeStringAsync(null, "id", null, $"{layer.Id}.{cells[0]}");
                if (label is not null && cells[columns.IndexOf(label)] is { } name)
                    await xml.WriteElementStringAsync(null, "name", Kml, ExportValues.XmlSafe(name));
                await xml.WriteStartElementAsync(null, "ExtendedData", Kml);
                await xml.WriteStartElementAsync(null, "SchemaData", Kml);
                await xml.WriteAttributeStringAsync(null, "schemaUrl", null, "#" + layer.Id);
                for (var i = 0; i < columns.Count; i++)
                {
                    if (cells[i] is not { } value) continue;
                    await xml.WriteStartElementAsync(null, "SimpleData", Kml);
                    await xml.WriteAttributeStringAsync(null, "name", null, columns[i]);
                    await xml.WriteStringAsync(ExportValues.XmlSafe(value));
                    await xml.WriteEndElementAsync();
                }
                await xml.WriteEndElementAsync();
                await xml.WriteEndElementAsync();
                // ST_AsKML's geometry element (Point, MultiGeometry…) is PostGIS's own XML, in the KML namespace.
                await xml.WriteRawAsync(reader.GetString(2));
                await xml.WriteEndElementAsync();
            }
            await xml.WriteEndElementAsync();
            await xml.WriteEndElementAsync();
            await xml.WriteEndDocumentAsync();
        }
    }
}

/// <summary>How one property value is written in a cell: the contract with the bulk import (docs/import-export.md).</summary>
public static class ExportValues
{
    /// <summary>Text of a JSON value: lists of plain values joined by ';', objects and other lists as JSON, null as nothing.</summary>
    public static string? Text(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => v.GetString(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number => v.GetRawText(),
        JsonValueKind.Array when v.EnumerateArray().All(e => e.ValueKind is JsonValueKind.String or JsonValueKind.Number)
            => string.Join(';', v.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText())),
        _ => v.GetRawText(),
    };

    /// <summary>An XLSX cell: numbers and booleans typed, everything else as <see cref="Text"/>.</summary>
    public static object? Cell(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Number => v.TryGetInt64(out var l) ? l : v.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => Text(v),
    };

    public static string CsvField(string? value)
    {
        if (value is null) return "";
        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 || value != value.Trim()
            ? "\"" + value.Replace("\"", "\"\"") + "\""
            : value;
    }

    /// <summary>
    /// Spreadsheet formula injection: a text cell starting with = + - @ (or tab/CR) would run as a formula in Excel.
    /// Such text gets a leading apostrophe, which the import strips. Plain numbers ("-5", "+84…" phone numbers) are left alone.
    /// </summary>
    public static string? Defuse(string? value) => string.IsNullOrEmpty(value) || !NeedsApostrophe(value) ? value : "'" + value;

    // Text that already starts with an apostrophe before such a character gets one more, so stripping one gives it back.
    static bool NeedsApostrophe(string value) => value[0] switch
    {
        '=' or '@' or '\t' or '\r' => true,
        '+' or '-' => value.Length == 1 || !(char.IsDigit(value[1]) || value[1] is ' ' or '.'),
        '\'' => value.Length > 1 && NeedsApostrophe(value[1..]),
        _ => false,
    };

    /// <summary>XML 1.0 cannot carry most control characters; the input gate refuses them, but old rows may hold some.</summary>
    public static string XmlSafe(string value) =>
        value.Any(c => c < 0x20 && c is not ('\t' or '\n' or '\r')) ? new string(value.Where(c => c >= 0x20 || c is '\t' or '\n' or '\r').ToArray()) : value;
}
