using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Api.Layers;

namespace ResourceMap.Api.Ogc;

/// <summary>
/// OGC API – Features, Part 1: Core (OGC 17-069r4) over the map's public layers, so QGIS, ArcGIS and GDAL
/// (driver OAPIF) open them directly. One collection per layer of LayerCatalog; the items are the layers'
/// own features (LayerQueries.Features: public properties only), in CRS84, paged by keyset ('next' links).
/// Member names here are the standard's (camelCase where it says so), not the API's snake_case.
/// </summary>
public static class OgcApi
{
    public const string Crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
    const string Gregorian = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian";
    const string JsonType = "application/json";
    const string GeoJsonType = "application/geo+json";

    public static readonly string[] ConformanceClasses =
    [
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    ];

    public static IEndpointRouteBuilder MapOgcApi(this IEndpointRouteBuilder app)
    {
        var ogc = app.MapGroup("/ogc").WithTags("OGC API – Features");

        ogc.MapGet("/", Landing)
            .WithName("OgcLandingPage")
            .WithSummary("OGC API – Features landing page (links to the API description, conformance and collections)")
            .Produces(StatusCodes.Status200OK, contentType: JsonType);
        ogc.MapGet("/conformance", Conformance)
            .WithName("OgcConformance")
            .WithSummary("The conformance classes implemented: Part 1 core, GeoJSON, OpenAPI 3.0")
            .Produces(StatusCodes.Status200OK, contentType: JsonType);
        ogc.MapGet("/collections", Collections)
            .WithName("OgcCollections")
            .WithSummary("One collection per public map layer, with its spatial (and, for needs and activities, temporal) extent")
            .Produces(StatusCodes.Status200OK, contentType: JsonType);
        ogc.MapGet("/collections/{collectionId}", Collection)
            .WithName("OgcCollection")
            .WithSummary("One collection")
            .Produces(StatusCodes.Status200OK, contentType: JsonType)
            .ProducesProblem(StatusCodes.Status404NotFound);
        ogc.MapGet("/collections/{collectionId}/items", Items)
            .WithName("OgcItems")
            .WithSummary("Features of a collection (GeoJSON), paged by 'next' links")
            .WithDescription("bbox=minLon,minLat,maxLon,maxLat (CRS84; 6 numbers with heights are accepted, heights ignored); " +
                             "limit (default and maximum set by RESOURCEMAP_OGC_DEFAULT_LIMIT / RESOURCEMAP_OGC_MAX_LIMIT; a larger limit is clamped); " +
                             "datetime (needs and activities: an instant or an interval a/b, ../b, a/.. in RFC 3339 dates or date-times; " +
                             "a feature matches when its days overlap it); also the layer's own filters, q and admin as in /api/layers/{layer}/features.")
            .Produces(StatusCodes.Status200OK, contentType: GeoJsonType)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        ogc.MapGet("/collections/{collectionId}/items/{featureId}", Item)
            .WithName("OgcItem")
            .WithSummary("One feature")
            .Produces(StatusCodes.Status200OK, contentType: GeoJsonType)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    static string Root(HttpRequest request) => PublicUrl.BaseOf(request);
    static string OgcRoot(HttpRequest request) => Root(request) + "/ogc";

    static JsonObject Link(string rel, string type, string href, string? title = null)
    {
        var link = new JsonObject { ["rel"] = rel, ["type"] = type, ["href"] = href };
        if (title is not null) link["title"] = title;
        return link;
    }

    static IResult Json(JsonNode body, string type = JsonType) =>
        TypedResults.Text(body.ToJsonString(JsonOptions), type + "; charset=utf-8");

    static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>f=json (f=geojson on items) is the one encoding served; anything else is a 400 naming it.</summary>
    static IResult? RefuseFormat(HttpRequest request)
    {
        var f = request.Query["f"].ToString().Trim();
        if (f.Length == 0 || f is "json" or "geojson" or JsonType or GeoJsonType) return null;
        return Problems.BadRequest($"f '{f}' is not served here; use f=json (GeoJSON for features).");
    }

    static IResult Landing(HttpRequest request)
    {
        if (RefuseFormat(request) is { } refused) return refused;
        var ogc = OgcRoot(request);
        return Json(new JsonObject
        {
            ["title"] = "ResourceMap — Bản đồ số hóa nguồn lực tình nguyện",
            ["description"] = "OGC API – Features over the public layers of the Youth Union volunteer resource map: " +
                              "teams, red-address sites, hardship villages, border areas and markers, needs, activities.",
            ["links"] = new JsonArray(
                Link("self", JsonType, ogc, "This document"),
                Link("service-desc", "application/vnd.oai.openapi+json;version=3.0", Root(request) + "/swagger/v1/swagger.json", "The API definition (OpenAPI 3.0)"),
                Link("service-doc", "text/html", Root(request) + "/swagger", "The API documentation"),
                Link("conformance", JsonType, ogc + "/conformance", "Conformance classes implemented"),
                Link("data", JsonType, ogc + "/collections", "The feature collections")),
        });
    }

    static IResult Conformance(HttpRequest request)
    {
        if (RefuseFormat(request) is { } refused) return refused;
        return Json(new JsonObject { ["conformsTo"] = new JsonArray(ConformanceClasses.Select(c => (JsonNode)JsonValue.Create(c)!).ToArray()) });
    }

    static async Task<IResult> Collections(NpgsqlDataSource db, HttpRequest request, CancellationToken ct)
    {
        if (RefuseFormat(request) is { } refused) return refused;
        var extents = await ExtentsAsync(db, ct);
        var ogc = OgcRoot(request);
        return Json(new JsonObject
        {
            ["links"] = new JsonArray(Link("self", JsonType, ogc + "/collections")),
            ["collections"] = new JsonArray(LayerCatalog.All.Select(l => (JsonNode)CollectionJson(l, extents[l.Id], ogc)).ToArray()),
        });
    }

    static async Task<IResult> Collection(string collectionId, NpgsqlDataSource db, HttpRequest request, CancellationToken ct)
    {
        if (RefuseFormat(request) is { } refused) return refused;
        if (LayerCatalog.Find(collectionId) is not { } layer) return UnknownCollection(collectionId);
        var extents = await ExtentsAsync(db, ct);
        return Json(CollectionJson(layer, extents[layer.Id], OgcRoot(request)));
    }

    sealed record Extent(double[]? Bbox, DateOnly? First, DateOnly? Last);

    static async Task<Dictionary<string, Extent>> ExtentsAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        var boxes = new Dictionary<string, double[]?>();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using (var reader = await conn.Command(LayerQueries.Summaries()).ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
                boxes[reader.GetString(0)] = reader.IsDBNull(2) ? null
                    : [reader.GetDouble(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetDouble(5)];
        }
        var result = new Dictionary<string, Extent>();
        foreach (var layer in LayerCatalog.All)
        {
            DateOnly? first = null, last = null;
            if (OgcQueries.Temporal.TryGetValue(layer.Id, out var columns))
            {
                await using var reader = await conn.Command(OgcQueries.TemporalExtent(layer, columns)).ExecuteReaderAsync(ct);
                if (await reader.ReadAsync(ct) && !reader.IsDBNull(0))
                    (first, last) = (reader.GetFieldValue<DateOnly>(0), reader.GetFieldValue<DateOnly>(1));
            }
            result[layer.Id] = new Extent(boxes.GetValueOrDefault(layer.Id), first, last);
        }
        return result;
    }

    static JsonObject CollectionJson(LayerDefinition layer, Extent extent, string ogc)
    {
        var collection = new JsonObject
        {
            ["id"] = layer.Id,
            ["title"] = layer.TitleVi,
            ["description"] = $"{layer.TitleEn} ({layer.GeometryType}). Public fields only; samples are marked is_sample.",
            ["itemType"] = "feature",
            ["crs"] = new JsonArray(Crs84),
            ["links"] = new JsonArray(
                Link("self", JsonType, $"{ogc}/collections/{layer.Id}", layer.TitleVi),
                Link("items", GeoJsonType, $"{ogc}/collections/{layer.Id}/items", layer.TitleVi)),
        };
        var extentJson = new JsonObject();
        if (extent.Bbox is { } b)
            extentJson["spatial"] = new JsonObject { ["bbox"] = new JsonArray(new JsonArray(b[0], b[1], b[2], b[3])), ["crs"] = Crs84 };
        if (extent.First is { } first && extent.Last is { } last)
            extentJson["temporal"] = new JsonObject
            {
                // Records hold Vietnamese calendar days: from the first day's start to the last day's end, Vietnam time.
                ["interval"] = new JsonArray(new JsonArray(
                    first.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T00:00:00+07:00",
                    last.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T23:59:59+07:00")),
                ["trs"] = Gregorian,
            };
        if (extentJson.Count > 0) collection["extent"] = extentJson;
        return collection;
    }

    static async Task<IResult> Items(string collectionId, NpgsqlDataSource db, ResourceMapOptions options, HttpRequest request, CancellationToken ct,
        string? bbox = null, string? limit = null, string? datetime = null, string? after = null, string? q = null, string? admin = null,
        DateOnly? date = null)
    {
        if (RefuseFormat(request) is { } refused) return refused;
        if (LayerCatalog.Find(collectionId) is not { } layer) return UnknownCollection(collectionId);

        var pageSize = options.Limits.OgcDefaultLimit;
        if (!string.IsNullOrWhiteSpace(limit))
        {
            if (!int.TryParse(limit.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) || pageSize < 1)
                return Problems.BadRequest($"limit must be a whole number of at least 1 (at most {options.Limits.OgcMaxLimit} are returned per page).");
            pageSize = Math.Min(pageSize, options.Limits.OgcMaxLimit); // the standard asks to clamp, not refuse
        }
        long? afterId = null;
        if (!string.IsNullOrWhiteSpace(after))
        {
            if (!long.TryParse(after.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var a))
                return Problems.BadRequest("after must be a feature id (follow the 'next' link rather than writing it).");
            afterId = a;
        }
        var crs = request.Query["bbox-crs"].ToString();
        if (crs.Length > 0 && crs != Crs84)
            return Problems.BadRequest($"bbox-crs '{crs}' is not supported; bbox is in CRS84 ({Crs84}).");
        if (TryParseBbox(bbox, out var box) is { } bboxError) return Problems.BadRequest(bboxError);
        if (TryParseDatetime(datetime, out var from, out var to) is { } dtError) return Problems.BadRequest(dtError);

        var (selection, error) = await LayersApi.BindSelectionAsync(layer, db, request, null, q, admin, date, null, null, ct);
        if (error is not null) return error;
        var parameters = selection!.Parameters;
        var query = selection.Query;
        if (box is { } b)
        {
            parameters.Add(new("min_lon", b[0]));
            parameters.Add(new("min_lat", b[1]));
            parameters.Add(new("max_lon", b[2]));
            parameters.Add(new("max_lat", b[3]));
            query = query with { Bbox = true };
        }
        // A datetime on a layer without dates selects nothing out: its features carry no time to compare.
        if ((from is not null || to is not null) && OgcQueries.Temporal.TryGetValue(layer.Id, out var columns))
        {
            if (from is { } f) parameters.Add(new NpgsqlParameter("ogc_dt_from", NpgsqlDbType.Date) { Value = f });
            if (to is { } t) parameters.Add(new NpgsqlParameter("ogc_dt_to", NpgsqlDbType.Date) { Value = t });
            query = query with { Filters = [.. query.Filters, OgcQueries.DatetimeFilter(columns, from is not null, to is not null)] };
        }

        long matched;
        await using (var conn = await db.OpenConnectionAsync(ct))
        await using (var count = conn.Command(OgcQueries.Count(layer, query)))
        {
            count.Parameters.AddRange(parameters.Select(p => p.Clone()).ToArray());
            matched = (long)(await count.ExecuteScalarAsync(ct))!;
        }

        parameters.Add(new("limit", pageSize));
        if (afterId is not null) parameters.Add(new("after", afterId.Value));
        var page = query with { After = afterId is not null };
        var result = await GeoJsonResult.ExecuteAsync(db, LayerQueries.Features(layer, page), parameters, pageSize,
            lastId => QueryParsing.WithQueryValue(request, "after", lastId.ToString(CultureInfo.InvariantCulture)), ct,
            prepare: LayerQueries.PrepareFeatures(page));
        var ogc = OgcRoot(request);
        result.NumberMatched = matched;
        result.ExtraLinks =
        [
            Link("self", GeoJsonType, $"{Root(request)}{request.Path}{request.QueryString}", "This page").ToJsonString(JsonOptions),
            Link("collection", JsonType, $"{ogc}/collections/{layer.Id}", layer.TitleVi).ToJsonString(JsonOptions),
        ];
        return result;
    }

    static async Task<IResult> Item(string collectionId, string featureId, NpgsqlDataSource db, HttpRequest request, CancellationToken ct)
    {
        if (RefuseFormat(request) is { } refused) return refused;
        if (LayerCatalog.Find(collectionId) is not { } layer) return UnknownCollection(collectionId);
        if (!long.TryParse(featureId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            return Problems.NotFound($"Collection '{collectionId}' has no feature '{featureId}': ids are positive integers.");

        string? text;
        await using (var conn = await db.OpenConnectionAsync(ct))
        await using (var reader = await conn.Command(LayerQueries.FeatureById(layer), ("id", id), ("layer_id", layer.Id)).ExecuteReaderAsync(ct))
            text = await reader.ReadAsync(ct) ? reader.GetString(1) : null;
        if (text is null) return Problems.NotFound($"Collection '{collectionId}' has no feature {id}.");

        var feature = JsonNode.Parse(text)!.AsObject();
        var ogc = OgcRoot(request);
        feature["links"] = new JsonArray(
            Link("self", GeoJsonType, $"{ogc}/collections/{layer.Id}/items/{id}"),
            Link("collection", JsonType, $"{ogc}/collections/{layer.Id}", layer.TitleVi));
        return Json(feature, GeoJsonType);
    }

    static IResult UnknownCollection(string id) =>
        Problems.NotFound($"There is no collection '{id}'. Collections: {string.Join(", ", LayerCatalog.All.Select(l => l.Id))}.");

    /// <summary>
    /// bbox in CRS84: 4 numbers, or 6 with heights (ignored). Unlike the map's own bbox there is no span limit:
    /// GIS clients ask for the whole world, and paging bounds the answer.
    /// </summary>
    public static string? TryParseBbox(string? text, out double[]? box)
    {
        box = null;
        if (string.IsNullOrWhiteSpace(text)) return null;
        var parts = text.Split(',');
        if (parts.Length is not (4 or 6)) return "bbox must be 4 numbers (minLon,minLat,maxLon,maxLat) or 6 with heights, in CRS84.";
        var v = new double[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out v[i]) || !double.IsFinite(v[i]))
                return $"bbox value '{parts[i]}' is not a number.";
        var (minLon, minLat, maxLon, maxLat) = parts.Length == 4 ? (v[0], v[1], v[2], v[3]) : (v[0], v[1], v[3], v[4]);
        if (minLon < -180 || maxLon > 180 || minLat < -90 || maxLat > 90)
            return "bbox longitudes must lie between -180 and 180 and latitudes between -90 and 90.";
        if (minLat > maxLat) return "bbox is inverted: the second latitude must not be below the first.";
        if (minLon > maxLon) return "bbox crossing the antimeridian (minLon > maxLon) is not supported; Viet Nam lies far from it.";
        box = [minLon, minLat, maxLon, maxLat];
        return null;
    }

    /// <summary>
    /// datetime: an instant, or an interval a/b with '..' (or nothing) for an open end, in RFC 3339 dates or
    /// date-times. Records hold Vietnamese calendar days, so a date-time counts as its day in Vietnam.
    /// </summary>
    public static string? TryParseDatetime(string? text, out DateOnly? from, out DateOnly? to)
    {
        from = to = null;
        if (string.IsNullOrWhiteSpace(text)) return null;
        var parts = text.Trim().Split('/');
        if (parts.Length > 2) return "datetime must be an instant or an interval start/end (use '..' for an open end).";
        if (parts.Length == 1)
        {
            if (parts[0] == "..") return "datetime '..' needs a second part: an interval is start/end, e.g. 2026-01-01/.. .";
            if (ParseInstant(parts[0]) is not { } day) return DatetimeMessage(parts[0]);
            from = to = day;
            return null;
        }
        bool Open(string s) => s is "" or "..";
        if (Open(parts[0]) && Open(parts[1])) return "datetime interval '../..' is open at both ends; give at least one date.";
        if (!Open(parts[0])) { if (ParseInstant(parts[0]) is { } a) from = a; else return DatetimeMessage(parts[0]); }
        if (!Open(parts[1])) { if (ParseInstant(parts[1]) is { } b) to = b; else return DatetimeMessage(parts[1]); }
        if (from > to) return "datetime interval ends before it starts.";
        return null;
    }

    static string DatetimeMessage(string part) =>
        $"datetime '{part}' is not an RFC 3339 date (2026-07-01) or date-time (2026-07-01T08:00:00Z).";

    static DateOnly? ParseInstant(string s)
    {
        s = s.Trim();
        if (s.Length == 10 && DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return day;
        if (s.Length > 10 && (s[10] is 'T' or 't')
            && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
            return DateOnly.FromDateTime(instant.UtcDateTime.AddHours(7));
        return null;
    }
}
