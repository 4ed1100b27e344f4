using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Api.Skills;

public static class SkillsApi
{
    public sealed record Skill(string Code, string LabelVi, string LabelEn);

    public static IEndpointRouteBuilder MapSkillsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/skills", ListSkills)
            .WithTags("Skills")
            .WithName("ListSkills")
            .WithSummary("The controlled vocabulary of skills teams offer and needs ask for");
        return app;
    }

    static async Task<IResult> ListSkills(ReadDb db, CancellationToken ct)
    {
        var skills = new List<Skill>();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var reader = await conn.Command("SELECT code, label_vi, label_en FROM skills ORDER BY code").ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) skills.Add(new Skill(reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        return TypedResults.Ok(skills);
    }
}
