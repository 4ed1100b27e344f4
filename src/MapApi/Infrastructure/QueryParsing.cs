using System.Globalization;

namespace ResourceMap.Api.Infrastructure;

/// <summary>Parsing of the query parameters shared by list endpoints, with messages a client can act on.</summary>
public static class QueryParsing
{
    public readonly record struct Bbox(double MinLon, double MinLat, double MaxLon, double MaxLat);

    public static string? TryParseBbox(string? text, out Bbox? bbox)
    {
        bbox = null;
        if (string.IsNullOrWhiteSpace(text)) return null;
        var parts = text.Split(',');
        if (parts.Length != 4)
            return "bbox must be four comma-separated numbers: minLon,minLat,maxLon,maxLat (WGS84).";
        var values = new double[4];
        for (var i = 0; i < 4; i++)
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
                return $"bbox value '{parts[i]}' is not a number.";
        var (minLon, minLat, maxLon, maxLat) = (values[0], values[1], values[2], values[3]);
        if (minLon < -180 || maxLon > 180 || minLon > 180 || maxLon < -180)
            return "bbox longitudes must lie between -180 and 180.";
        if (minLat < -90 || maxLat > 90 || minLat > 90 || maxLat < -90)
            return "bbox latitudes must lie between -90 and 90.";
        if (minLon >= maxLon || minLat >= maxLat)
            return "bbox is inverted or empty: expected minLon < maxLon and minLat < maxLat.";
        var maxSpan = ApiLimits.Current.MaxBboxSpanDegrees;
        if (maxLon - minLon > maxSpan || maxLat - minLat > maxSpan)
            return $"bbox may span at most {maxSpan}° in each direction; omit bbox to list everything page by page.";
        bbox = new Bbox(minLon, minLat, maxLon, maxLat);
        return null;
    }

    public static string? TryParseLimit(int? requested, out int limit, int? max = null, int? fallback = null)
    {
        max ??= ApiLimits.Current.MaxPageSize;
        limit = requested ?? fallback ?? ApiLimits.Current.DefaultPageSize;
        if (limit < 1) return "limit must be at least 1.";
        if (limit > max) return $"limit may be at most {max}; use the 'next' link to page through more.";
        return null;
    }

    public static string? TryParseSearch(string? q, out string? search)
    {
        search = null;
        if (q is null) return null;
        var trimmed = q.Trim();
        if (trimmed.Length == 0) return null;
        if (trimmed.Length > ApiLimits.Current.MaxSearchLength) return $"q may be at most {ApiLimits.Current.MaxSearchLength} characters.";
        if (trimmed.Any(char.IsControl)) return "q must not contain control characters.";
        search = trimmed;
        return null;
    }

    public static string? TryParseLonLat(double? lon, double? lat)
    {
        if (lon is null || lat is null) return "lon and lat are both required.";
        if (!double.IsFinite(lon.Value) || lon < -180 || lon > 180) return "lon must lie between -180 and 180.";
        if (!double.IsFinite(lat.Value) || lat < -90 || lat > 90) return "lat must lie between -90 and 90.";
        return null;
    }

    /// <summary>Comma-separated values, each checked against the allowed set when one is given.</summary>
    public static string? TryParseList(string name, string? text, IReadOnlyCollection<string>? allowed, out string[]? values)
    {
        values = null;
        if (string.IsNullOrWhiteSpace(text)) return null;
        var items = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (items.Length > 20) return $"{name} accepts at most 20 values.";
        if (items.Any(i => i.Length > 100)) return $"{name} values may be at most 100 characters.";
        if (allowed is not null && items.FirstOrDefault(i => !allowed.Contains(i)) is { } bad)
            return $"{name} '{bad}' is not one of: {string.Join(", ", allowed)}.";
        values = items;
        return null;
    }

    /// <summary>The URL of the same request with one query parameter replaced (for next links).</summary>
    public static string WithQueryValue(HttpRequest request, string key, string value)
    {
        var query = request.Query.Where(kv => !string.Equals(kv.Key, key, StringComparison.OrdinalIgnoreCase))
            .SelectMany(kv => kv.Value.Select(v => $"{Uri.EscapeDataString(kv.Key)}={Uri.EscapeDataString(v ?? "")}"))
            .Append($"{Uri.EscapeDataString(key)}={Uri.EscapeDataString(value)}");
        return $"{PublicUrl.BaseOf(request)}{request.Path}?{string.Join("&", query)}";
    }
}
