using System.Globalization;
using System.Text;
using System.Text.Json;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Api.Layers;

namespace ResourceMap.Api.Search;

/// <summary>
/// One search box for the whole map: admin units and every layer, ranked (exact and prefix names first, then records
/// inside a unit the query names, then the rest) and grouped, each group with its total and a link to more.
/// Results carry public fields only (name, place, position), the same for every caller.
/// </summary>
public static class SearchApi
{
    public const string AdminGroup = "admin-units";
    const int DefaultPerGroup = 5;
    const int MaxPerGroup = 50;

    public static IEndpointRouteBuilder MapSearchApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/search", Search)
            .WithTags("Search")
            .WithName("Search")
            .WithSummary("Ranked search over admin units and every layer, grouped by layer with totals")
            .WithDescription(
                "q: 2 to 100 characters; case and Vietnamese diacritics are ignored (\"nam tra my\" finds \"Nam Trà My\"). " +
                "Within a group, results are ranked: exact name (match=exact), name starting with the query (prefix), every word " +
                "of the query starting a word of the name (words), lying in an admin unit the query names (in_unit: \"nam tra my\" " +
                "lists the villages of Huyện Nam Trà My), then records matched through other text (text). Groups: admin-units " +
                "first, then layers by their best match. limit: results per group (default 5, max 50). group: one group only " +
                $"(admin-units or a layer id), with offset to page (at most {SearchQueries.CandidateCap}). Each group's 'more' links to its next page. " +
                $"At most {SearchQueries.CandidateCap} candidates per source are ranked; total_is_lower_bound says when a total was capped.")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    static async Task<IResult> Search(ReadDb read, HttpRequest request, CancellationToken ct,
        string? q = null, int? limit = null, string? group = null, int? offset = null)
    {
        if (QueryParsing.TryParseSearch(q, out var search) is { } searchError) return Problems.BadRequest(searchError);
        if (search is null || search.Length < 2) return Problems.BadRequest("q is required: at least 2 characters.");
        if (QueryParsing.TryParseLimit(limit, out var perGroup, MaxPerGroup, DefaultPerGroup) is { } limitError) return Problems.BadRequest(limitError);
        var start = offset ?? 0;
        if (start < 0 || start >= SearchQueries.CandidateCap)
            return Problems.BadRequest($"offset must lie between 0 and {SearchQueries.CandidateCap - 1}.");
        if (offset is not null && group is null)
            return Problems.BadRequest("offset pages one group: give group=admin-units or a layer id too.");
        if (group is not null && group != AdminGroup && LayerCatalog.Find(group) is null)
            return Problems.BadRequest($"group must be {AdminGroup} or a layer id: {string.Join(", ", LayerCatalog.All.Select(l => l.Id))}.");

        var groups = SearchQueries.Groups.Where(g => group is null || g.Id == group);

        // One connection, one statement per group: each is a few index scans, and the anonymous timeout applies to each.
        var answers = new List<(string Id, string TitleVi, string TitleEn, JsonElement Group)>();
        await using (var conn = await read.Source.OpenConnectionAsync(ct))
            foreach (var (id, titleVi, titleEn, sql) in groups)
            {
                await using var command = conn.Command(sql, SearchQueries.Parameters(search, start, perGroup, id));
                var json = (string)(await command.ExecuteScalarAsync(ct))!;
                answers.Add((id, titleVi, titleEn, JsonDocument.Parse(json).RootElement.Clone()));
            }

        // Places first (what people search most), then layers by their best match, then in catalogue order.
        var ordered = answers
            .Where(a => group is not null || a.Group.GetProperty("total").GetInt64() > 0)
            .Select((a, index) => (a, index))
            .OrderBy(x => x.a.Id == AdminGroup ? 0 : 1)
            .ThenBy(x => x.a.Group.GetProperty("best_tier") is { ValueKind: JsonValueKind.Number } tier ? tier.GetInt32() : 5)
            .ThenBy(x => x.index)
            .Select(x => x.a);

        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("query", search);
            writer.WriteStartArray("groups");
            foreach (var (id, titleVi, titleEn, answer) in ordered)
            {
                var total = answer.GetProperty("total").GetInt64();
                var results = answer.GetProperty("results");
                writer.WriteStartObject();
                writer.WriteString("id", id);
                writer.WriteStartObject("title");
                writer.WriteString("vi", titleVi);
                writer.WriteString("en", titleEn);
                writer.WriteEndObject();
                writer.WriteNumber("total", total);
                writer.WriteBoolean("total_is_lower_bound", answer.GetProperty("total_is_lower_bound").GetBoolean());
                writer.WriteNumber("offset", start);
                writer.WritePropertyName("results");
                results.WriteTo(writer);
                var next = start + results.GetArrayLength();
                if (next < total && next < SearchQueries.CandidateCap)
                    writer.WriteString("more", MoreLink(request, search, id, next, perGroup));
                else
                    writer.WriteNull("more");
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return TypedResults.Text(Encoding.UTF8.GetString(buffer.ToArray()), "application/json", Encoding.UTF8);
    }

    static string MoreLink(HttpRequest request, string q, string group, int offset, int limit) =>
        $"{PublicUrl.BaseOf(request)}/api/search?q={Uri.EscapeDataString(q)}&group={Uri.EscapeDataString(group)}" +
        $"&offset={offset.ToString(CultureInfo.InvariantCulture)}&limit={limit.ToString(CultureInfo.InvariantCulture)}";
}
