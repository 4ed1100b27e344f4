using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ResourceMap.Api.Activities;
using ResourceMap.Api.Auth;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Api.Campaigns;

/// <summary>Campaigns (chiến dịch, đợt thi đua): period, organising unit and Youth Union level, indicators with targets.</summary>
public static class CampaignsApi
{
    public static IEndpointRouteBuilder MapCampaignsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/campaigns").WithTags("Campaigns");
        api.MapPost("/", Create).WithName("CreateCampaign")
            .WithSummary("Record a campaign with indicator targets (coordinator)")
            .WithDescription("Body: {name, starts_on, ends_on, unit_code (organising admin unit), union_level (central|province|district|commune|grassroots), " +
                             "description?, indicators: [{code, label, measure_unit, target}]}. An indicator code is an activity output (e.g. trees_planted) " +
                             "or one of activities, participants, volunteer_hours, beneficiaries, money_vnd. → 201.")
            .RequireAuthorization(AuthSetup.CoordinatorPolicy)
            .Accepts<CampaignInput>("application/json").Produces<CampaignView>(StatusCodes.Status201Created).ProducesProblem(400);
        api.MapGet("/", List).WithName("ListCampaigns").WithSummary("Campaigns, newest first; active_on=YYYY-MM-DD keeps those running that day")
            .Produces<CampaignView[]>();
        api.MapGet("/{id:long}", Get).WithName("GetCampaign").WithSummary("One campaign").Produces<CampaignView>().ProducesProblem(404);
        api.MapPatch("/{id:long}", Patch).WithName("PatchCampaign")
            .WithSummary("Change a campaign (coordinator): any member of the POST body; indicators replace the list")
            .RequireAuthorization(AuthSetup.CoordinatorPolicy)
            .Accepts<CampaignInput>("application/json").Produces<CampaignView>().ProducesProblem(400).ProducesProblem(404);
        return app;
    }

    static async Task<List<string>> CheckUnitAsync(CurrentUser me, string? code, NpgsqlDataSource db, CancellationToken ct)
    {
        var errors = new List<string>();
        if (code is null) return errors;
        await using var conn = await db.OpenConnectionAsync(ct);
        if (!(bool)(await conn.Command(CampaignQueries.UnitExists, ("code", code)).ExecuteScalarAsync(ct))!)
            errors.Add($"There is no admin unit with code '{code}' (see /api/admin-units).");
        else if (me.AdminScope is { } scope && !(bool)(await conn.Command(CampaignQueries.UnitInScope, ("scope", scope), ("code", code)).ExecuteScalarAsync(ct))!)
            errors.Add(me.OutOfScope($"unit {code}"));
        return errors;
    }

    static async Task<IResult> Create(HttpRequest request, ClaimsPrincipal principal, PortalDb portal, NpgsqlDataSource db, CancellationToken ct)
    {
        var me = CurrentUser.From(principal)!;
        var (input, error) = await ApiJson.ReadAsync<CampaignInput>(request, ct);
        if (error is not null) return Problems.BadRequest(error);
        var errors = input!.Validate(partial: false);
        if (errors.Count > 0) return Problems.Invalid(errors);
        errors = await CheckUnitAsync(me, input.UnitCode, db, ct);
        if (errors.Count > 0) return Problems.Invalid(errors);

        var now = DateTime.UtcNow;
        var campaign = new Campaign
        {
            Name = input.Name!.Trim(), StartsOn = input.StartsOn!.Value, EndsOn = input.EndsOn!.Value, UnitCode = input.UnitCode!,
            UnionLevel = input.UnionLevel!, Description = input.Description, CreatedBy = me.Id, CreatedAt = now, UpdatedAt = now,
            Indicators = (input.Indicators ?? []).Select(ToEntity).ToList(),
        };
        portal.Campaigns.Add(campaign);
        await portal.SaveChangesAsync(ct);
        return TypedResults.Json(CampaignView.From(campaign), ApiJson.Options, statusCode: StatusCodes.Status201Created);
    }

    static CampaignIndicator ToEntity(IndicatorInput i) =>
        new() { Code = i.Code!, Label = i.Label!.Trim(), MeasureUnit = i.MeasureUnit!.Trim(), Target = i.Target!.Value };

    static async Task<IResult> List(HttpRequest request, PortalDb portal, CancellationToken ct)
    {
        var query = portal.Campaigns.AsNoTracking().Include(c => c.Indicators).AsQueryable();
        if (request.Query["active_on"].ToString() is { Length: > 0 } day)
        {
            if (!DateOnly.TryParseExact(day, "yyyy-MM-dd", out var on)) return Problems.BadRequest("active_on must be a date, YYYY-MM-DD.");
            query = query.Where(c => c.StartsOn <= on && c.EndsOn >= on);
        }
        var list = await query.OrderByDescending(c => c.StartsOn).ThenByDescending(c => c.Id).Take(500).ToListAsync(ct);
        return ApiJson.Ok(list.Select(CampaignView.From));
    }

    static async Task<IResult> Get(long id, PortalDb portal, CancellationToken ct) =>
        await portal.Campaigns.AsNoTracking().Include(c => c.Indicators).FirstOrDefaultAsync(c => c.Id == id, ct) is { } c
            ? ApiJson.Ok(CampaignView.From(c))
            : Problems.NotFound($"There is no campaign {id}.");

    static async Task<IResult> Patch(long id, HttpRequest request, ClaimsPrincipal principal, PortalDb portal, NpgsqlDataSource db, CancellationToken ct)
    {
        var me = CurrentUser.From(principal)!;
        var (input, error) = await ApiJson.ReadAsync<CampaignInput>(request, ct);
        if (error is not null) return Problems.BadRequest(error);
        var campaign = await portal.Campaigns.Include(c => c.Indicators).FirstOrDefaultAsync(c => c.Id == id, ct);
        if (campaign is null) return Problems.NotFound($"There is no campaign {id}.");
        var errors = (input! with { StartsOn = input.StartsOn ?? campaign.StartsOn, EndsOn = input.EndsOn ?? campaign.EndsOn }).Validate(partial: true);
        if (errors.Count > 0) return Problems.Invalid(errors);
        // A scoped coordinator changes only the campaigns of units inside the scope.
        errors = await CheckUnitAsync(me, campaign.UnitCode, db, ct);
        if (errors.Count > 0) return Problems.Forbidden(string.Join(" ", errors));
        errors = await CheckUnitAsync(me, input.UnitCode, db, ct);
        if (errors.Count > 0) return Problems.Invalid(errors);

        if (input.Name is { } name) campaign.Name = name.Trim();
        if (input.StartsOn is { } s) campaign.StartsOn = s;
        if (input.EndsOn is { } e) campaign.EndsOn = e;
        if (input.UnitCode is { } u) campaign.UnitCode = u;
        if (input.UnionLevel is { } l) campaign.UnionLevel = l;
        if (input.Description is { } d) campaign.Description = d;
        if (input.Indicators is { } indicators)
        {
            // Keep the rows of codes that stay (their ids), replace the rest.
            var byCode = campaign.Indicators.ToDictionary(i => i.Code);
            foreach (var gone in campaign.Indicators.Where(i => indicators.All(n => n.Code != i.Code)).ToList())
                portal.CampaignIndicators.Remove(gone);
            foreach (var n in indicators)
            {
                if (byCode.TryGetValue(n.Code!, out var old)) { old.Label = n.Label!.Trim(); old.MeasureUnit = n.MeasureUnit!.Trim(); old.Target = n.Target!.Value; }
                else campaign.Indicators.Add(ToEntity(n));
            }
        }
        campaign.UpdatedAt = DateTime.UtcNow;
        await portal.SaveChangesAsync(ct);
        campaign.Indicators.RemoveAll(i => portal.Entry(i).State == EntityState.Detached);
        return ApiJson.Ok(CampaignView.From(campaign));
    }
}
