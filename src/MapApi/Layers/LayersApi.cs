using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using NpgsqlTypes;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Api.Layers;

public static class LayersApi
{
    public static IEndpointRouteBuilder MapLayersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/layers").WithTags("Layers");

        api.MapGet("/", ListLayers)
            .WithName("ListLayers")
            .WithSummary("The map's layers with titles, feature counts, extents and filters");

        api.MapGet("/{layer}/features", GetFeatures)
            .WithName("GetLayerFeatures")
            .WithSummary("Features of a layer as an RFC 7946 FeatureCollection")
            .WithDescription(FiltersDescription())
            .Produces(StatusCodes.Status200OK, contentType: "application/geo+json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/{layer}/features/{id}", GetFeature)
            .WithName("GetLayerFeature")
            .WithSummary("One feature of a layer")
            .Produces(StatusCodes.Status200OK, contentType: "application/geo+json")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    public sealed record LayerSummary(
        string Id, LocalizedText Title, string GeometryType, long Features, double[]? Extent,
        IReadOnlyList<FilterSummary> Filters, string Href);

    public sealed record LocalizedText(string Vi, string En);
    public sealed record FilterSummary(string Name, string Kind, string Description, IReadOnlyCollection<string>? Values);

    static async Task<Ok<LayerSummary[]>> ListLayers(NpgsqlDataSource db, ResourceMapOptions options, HttpRequest request, CancellationToken ct)
    {
        var cached = await LayerSummaryCache.GetAsync(db, TimeSpan.FromSeconds(options.LayerSummarySeconds)).WaitAsync(ct);
        var stats = cached.Layers;
        request.HttpContext.Response.Headers.CacheControl = $"public, max-age={options.LayerSummarySeconds}";
        var baseUrl = PublicUrl.BaseOf(request);
        return TypedResults.Ok(LayerCatalog.All.Select(l => new LayerSummary(
            l.Id, new LocalizedText(l.TitleVi, l.TitleEn), l.GeometryType, stats[l.Id].Count, stats[l.Id].Extent,
            l.Filters.Select(f => new FilterSummary(f.Name, f.Kind.ToString(), f.Description, f.AllowedValues)).ToList(),
            $"{baseUrl}/api/layers/{l.Id}/features")).ToArray());
    }

    static async Task<IResult> GetFeatures(
        string layer, ReadDb read, HttpRequest request, CancellationToken ct,
        string? bbox = null, int? limit = null, long? after = null, string? q = null, string? admin = null, DateOnly? date = null,
        string? near = null, double? radius_m = null)
    {
        // Anonymous and read-only: may be served by a replica (RESOURCEMAP_DB_READ).
        var db = read.Source;
        if (LayerCatalog.Find(layer) is not { } definition)
            return UnknownLayer(layer);
        if (QueryParsing.TryParseLimit(limit, out var pageSize) is { } limitError) return Problems.BadRequest(limitError);
        if (after is < 0) return Problems.BadRequest("after must be a feature id (0 or more).");
        var (selection, error) = await BindSelectionAsync(definition, db, request, bbox, q, admin, date, near, radius_m, ct);
        if (error is not null) return error;

        var parameters = selection!.Parameters;
        parameters.Add(new("limit", pageSize));
        if (after is not null) parameters.Add(new("after", after.Value));
        var query = selection.Query with { After = after is not null };
        return await GeoJsonResult.ExecuteAsync(db, LayerQueries.Features(definition, query), parameters, pageSize,
            lastId => QueryParsing.WithQueryValue(request, "after", lastId.ToString(CultureInfo.InvariantCulture)), ct,
            prepare: LayerQueries.PrepareFeatures(query));
    }

    /// <summary>The features a request selects (bbox, near, q, admin, layer filters) as SQL flags and bound parameters.</summary>
    internal sealed record Selection(LayerQueries.FeatureQuery Query, List<NpgsqlParameter> Parameters, QueryParsing.Bbox? Bbox);


    internal static async Task<(Selection? Selection, IResult? Error)> BindSelectionAsync(
        LayerDefinition definition, NpgsqlDataSource db, HttpRequest request,
        string? bbox, string? q, string? admin, DateOnly? date, string? near, double? radiusMetres, CancellationToken ct)
    {
        if (QueryParsing.TryParseBbox(bbox, out var box) is { } bboxError) return (null, Problems.BadRequest(bboxError));
        if (QueryParsing.TryParseSearch(q, out var search) is { } searchError) return (null, Problems.BadRequest(searchError));

        var parameters = new List<NpgsqlParameter> { new("layer_id", definition.Id) };
        if (box is { } b)
        {
            parameters.Add(new("min_lon", b.MinLon));
            parameters.Add(new("min_lat", b.MinLat));
            parameters.Add(new("max_lon", b.MaxLon));
            parameters.Add(new("max_lat", b.MaxLat));
        }
        if (search is not null) parameters.Add(new("q", search));

        var hasNear = !string.IsNullOrWhiteSpace(near);
        if (hasNear || radiusMetres is not null)
        {
            if (!hasNear || radiusMetres is null)
                return (null, Problems.BadRequest("near=lon,lat and radius_m (metres) go together."));
            var parts = near!.Split(',');
            if (parts.Length != 2
                || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var nearLon)
                || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var nearLat))
                return (null, Problems.BadRequest("near must be lon,lat in WGS84 degrees, e.g. near=108.2,15.9."));
            if (QueryParsing.TryParseLonLat(nearLon, nearLat) is { } pointError) return (null, Problems.BadRequest("near: " + pointError));
            if (!double.IsFinite(radiusMetres.Value) || radiusMetres <= 0 || radiusMetres > ApiLimits.Current.MaxNearRadiusMetres)
                return (null, Problems.BadRequest($"radius_m must be more than 0 and at most {ApiLimits.Current.MaxNearRadiusMetres:0} metres."));
            parameters.Add(new("near_lon", nearLon));
            parameters.Add(new("near_lat", nearLat));
            parameters.Add(new("radius_m", radiusMetres.Value));
        }

        long? adminUnitId = null;
        if (!string.IsNullOrWhiteSpace(admin))
        {
            adminUnitId = await ResolveAdminUnitAsync(db, admin.Trim(), date, ct);
            if (adminUnitId is null)
                return (null, Problems.BadRequest($"No admin unit has code '{admin}'. List codes at /api/admin-units.", "Unknown admin unit"));
            parameters.Add(new("admin_unit_id", adminUnitId.Value));
        }

        var usedFilters = new List<LayerFilter>();
        foreach (var filter in definition.Filters)
        {
            var raw = request.Query[filter.Name].ToString();
            if (string.IsNullOrWhiteSpace(raw)) continue;
            if (TryBindFilter(filter, raw, out var parameter) is { } filterError) return (null, Problems.BadRequest(filterError));
            parameters.Add(parameter!);
            usedFilters.Add(filter);
        }

        var query = new LayerQueries.FeatureQuery(box is not null, search is not null, adminUnitId is not null, false, usedFilters, hasNear);
        return (new Selection(query, parameters, box), null);
    }

    static async Task<IResult> GetFeature(string layer, string id, NpgsqlDataSource db, CancellationToken ct)
    {
        if (LayerCatalog.Find(layer) is not { } definition)
            return UnknownLayer(layer);
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var featureId))
            return Problems.NotFound($"Layer '{layer}' has no feature '{id}': ids are positive integers.");

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var command = conn.Command(LayerQueries.FeatureById(definition), ("id", featureId), ("layer_id", definition.Id));
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
            return Problems.NotFound($"Layer '{layer}' has no feature {featureId}.");
        return TypedResults.Text(reader.GetString(1), GeoJsonResult.ContentType);
    }

    static ProblemHttpResult UnknownLayer(string layer) =>
        Problems.NotFound($"There is no layer '{layer}'. Layers: {string.Join(", ", LayerCatalog.All.Select(l => l.Id))}.");

    internal static async Task<long?> ResolveAdminUnitAsync(NpgsqlDataSource db, string code, DateOnly? date, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var result = await conn.Command(LayerQueries.ResolveAdminUnit,
            ("code", code), ("date", date ?? VietnamTime.Today)).ExecuteScalarAsync(ct);
        return result as long?;
    }

    static string? TryBindFilter(LayerFilter filter, string raw, out NpgsqlParameter? parameter)
    {
        parameter = null;
        switch (filter.Kind)
        {
            case FilterKind.TextList:
                if (QueryParsing.TryParseList(filter.Name, raw, filter.AllowedValues, out var values) is { } error) return error;
                parameter = new NpgsqlParameter(filter.Name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values };
                return null;
            case FilterKind.Number:
                if (!decimal.TryParse(raw, NumberStyles.Number, CultureInfo.InvariantCulture, out var number))
                    return $"{filter.Name} must be a number.";
                parameter = new NpgsqlParameter(filter.Name, NpgsqlDbType.Numeric) { Value = number };
                return null;
            case FilterKind.Boolean:
                if (!bool.TryParse(raw, out var flag)) return $"{filter.Name} must be true or false.";
                parameter = new NpgsqlParameter(filter.Name, NpgsqlDbType.Boolean) { Value = flag };
                return null;
            default:
                throw new InvalidOperationException(filter.Kind.ToString());
        }
    }

    static string FiltersDescription() =>
        "Common parameters: bbox=minLon,minLat,maxLon,maxLat (WGS84, at most 60° a side); limit (default 100, max 1000); " +
        "after (keyset paging: follow the 'next' link); near=lon,lat with radius_m (metres, at most 500 km, measured on the spheroid); q (text search ignoring case and Vietnamese diacritics, also matching the " +
        "names of the admin units a feature lies in); admin (admin unit code, any level; the version in force on 'date', default today).\n\n" +
        "Layer filters:\n" + string.Join("\n", LayerCatalog.All.Select(l =>
            $"- {l.Id}: " + string.Join("; ", l.Filters.Select(f => $"{f.Name} — {f.Description}"))));
}
