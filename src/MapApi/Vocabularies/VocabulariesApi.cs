using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Api.Vocabularies;

public static class VocabulariesApi
{
    /// <summary>A data source as people read it: its title in both languages, whether its records are samples, its licence.</summary>
    public sealed record Source(string Code, string Vi, string En, bool IsSample, string Licence, string? Url);

    public static IEndpointRouteBuilder MapVocabulariesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/vocabularies", List)
            .WithTags("Vocabularies")
            .WithName("ListVocabularies")
            .WithSummary("Every code the API uses, with Vietnamese and English labels, and the data sources")
            .WithDescription("Keys: " + string.Join(", ", Vocabulary.All.Keys) + ", source (from the database). Each is a list of " +
                             "{code, vi, en} in the order to show them. Skills are at /api/skills.");
        return app;
    }

    static async Task<IResult> List(ReadDb db, CancellationToken ct)
    {
        var sources = new List<Source>();
        await using (var conn = await db.OpenConnectionAsync(ct))
        await using (var reader = await conn.Command(
            "SELECT id, coalesce(title_vi, title), title, is_sample, licence, url FROM data_sources ORDER BY is_sample, id").ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                sources.Add(new Source(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3),
                    reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        var body = Vocabulary.All.ToDictionary(v => v.Key, v => (object)v.Value);
        body["source"] = sources;
        return TypedResults.Ok(body);
    }
}
