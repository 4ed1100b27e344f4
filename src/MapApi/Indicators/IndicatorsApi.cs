using ResourceMap.Api.Activities;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Api.Indicators;

public static class IndicatorsApi
{
    public static IEndpointRouteBuilder MapIndicatorsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/indicators", Get).WithTags("Indicators").WithName("GetIndicators")
            .WithSummary("Actual vs target: campaign (id), unit (admin code; default the campaign's), from, to (default the campaign's period)")
            .WithDescription("Actuals sum approved activities whose place lies in the unit (pre-July-2025 units count in the unit that absorbed them), " +
                             "per indicator and per child unit; portal_share = approved activities recorded through the portal / all approved; " +
                             "units_reporting = child units that submitted an activity in the period / child units. report_status per unit: on-time or late " +
                             "for the last weekly deadline passed (RESOURCEMAP_WEEKLY_DEADLINE, default Friday 16:00 Vietnam time).")
            .ProducesProblem(400);
        return app;
    }

    public static (long? Campaign, string? Unit, DateOnly? From, DateOnly? To, List<string> Errors) ReadQuery(HttpRequest request)
    {
        var q = request.Query;
        var errors = new List<string>();
        long? campaign = null; DateOnly? from = null, to = null;
        if (q["campaign"].ToString() is { Length: > 0 } c) { if (long.TryParse(c, out var id) && id > 0) campaign = id; else errors.Add("campaign must be a campaign id (see /api/campaigns)."); }
        var unit = q["unit"].ToString() is { Length: > 0 } u ? u : null;
        if (unit is { Length: > 20 }) errors.Add("unit must be an admin unit code.");
        if (q["from"].ToString() is { Length: > 0 } f) { if (DateOnly.TryParseExact(f, "yyyy-MM-dd", out var d)) from = d; else errors.Add("from must be a date, YYYY-MM-DD."); }
        if (q["to"].ToString() is { Length: > 0 } t) { if (DateOnly.TryParseExact(t, "yyyy-MM-dd", out var d)) to = d; else errors.Add("to must be a date, YYYY-MM-DD."); }
        return (campaign, unit, from, to, errors);
    }

    static async Task<IResult> Get(HttpRequest request, PortalDb portal, ResourceMapOptions options, CancellationToken ct)
    {
        var (campaign, unit, from, to, errors) = ReadQuery(request);
        if (errors.Count > 0) return Problems.Invalid(errors);
        try
        {
            var report = await IndicatorService.ComputeAsync(portal, options, campaign, unit, from, to, ct);
            // Public: totals only, never the activities' own rows (drafts and returned ones are not public).
            return ApiJson.Ok(report with { Activities = [] });
        }
        catch (IndicatorService.BadInput e) { return Problems.BadRequest(e.Message); }
    }
}
