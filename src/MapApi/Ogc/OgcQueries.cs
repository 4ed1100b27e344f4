using ResourceMap.Api.Layers;

namespace ResourceMap.Api.Ogc;

/// <summary>
/// The SQL OGC API – Features adds to the layers' own: the count behind numberMatched, the temporal extent
/// and the datetime condition. Features themselves come from LayerQueries.Features (public properties only).
/// </summary>
public static class OgcQueries
{
    /// <summary>The date columns that make a layer temporal: a feature lasts from Start to End (or only Start when End is NULL).</summary>
    public sealed record TemporalColumns(string Start, string? End);

    // Only layers whose records are about a time: needs (their window) and activities (when they happened).
    // Fixed column names, never client input.
    public static readonly IReadOnlyDictionary<string, TemporalColumns> Temporal = new Dictionary<string, TemporalColumns>
    {
        ["needs"] = new("window_start", "window_end"),
        ["activities"] = new("started_on", "ended_on"),
    };

    /// <summary>
    /// The datetime parameter as a layer filter, so it travels through LayerQueries.Features and Conditions unchanged:
    /// a feature matches when its [start, end] days overlap the requested [from, to] (either end open).
    /// </summary>
    public static LayerFilter DatetimeFilter(TemporalColumns columns, bool hasFrom, bool hasTo)
    {
        var end = columns.End is null ? $"t.{columns.Start}" : $"coalesce(t.{columns.End}, t.{columns.Start})";
        var parts = new List<string>();
        if (hasTo) parts.Add($"t.{columns.Start} <= @ogc_dt_to");
        if (hasFrom) parts.Add($"{end} >= @ogc_dt_from");
        return new LayerFilter("datetime", FilterKind.TextList, parts.Count == 0 ? "TRUE" : "(" + string.Join(" AND ", parts) + ")", "OGC datetime");
    }

    /// <summary>How many features the selection holds (numberMatched), with the same conditions as the page.</summary>
    public static string Count(LayerDefinition layer, LayerQueries.FeatureQuery query) =>
        $"SELECT count(*) FROM {layer.Table} t WHERE {LayerQueries.Conditions(query)}";

    /// <summary>First and last day of a temporal layer.</summary>
    public static string TemporalExtent(LayerDefinition layer, TemporalColumns columns) =>
        $"SELECT min(t.{columns.Start}), max({(columns.End is null ? $"t.{columns.Start}" : $"coalesce(t.{columns.End}, t.{columns.Start})")}) FROM {layer.Table} t";
}
