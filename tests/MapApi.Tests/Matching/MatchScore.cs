using System.Text.Json.Nodes;

namespace ResourceMap.Tests.Matching;

public static class MatchScore
{
    /// <summary>The documented score, recomputed from the fields the API returns.</summary>
    public static double Recompute(JsonNode m, int volunteers)
    {
        var d = Math.Max(0, 1 - m["distance_m"]!.GetValue<double>() / m["reach_m"]!.GetValue<double>());
        var s = m["skill_coverage"]!.GetValue<double>();
        var c = Math.Min(Math.Max(m["free_capacity"]!.GetValue<int>(), 0), volunteers) / (double)volunteers;
        var days = m["days_since_last_assignment"]?.GetValue<int>() ?? 90;
        var l = 0.5 * Math.Min(days, 90) / 90.0 + 0.5 / (1 + m["recent_assignments"]!.GetValue<int>());
        return Math.Round(100 * (0.35 * d + 0.30 * s + 0.20 * c + 0.15 * l), 2);
    }

    /// <summary>
    /// The same documented score from the team's side (GET /api/teams/{id}/nearby-needs): C counts the volunteers the need
    /// still needs, and is 0 when the team is not available for the need's whole window.
    /// </summary>
    public static double RecomputeNearby(JsonNode n)
    {
        var d = Math.Max(0, 1 - n["distance_m"]!.GetValue<double>() / n["reach_m"]!.GetValue<double>());
        var s = n["skill_coverage"]!.GetValue<double>();
        var still = n["volunteers_still_needed"]!.GetValue<int>();
        var free = n["available"]!.GetValue<bool>() ? Math.Max(n["free_capacity"]!.GetValue<int>(), 0) : 0;
        var c = Math.Min(free, still) / (double)still;
        var days = n["days_since_last_assignment"]?.GetValue<int>() ?? 90;
        var l = 0.5 * Math.Min(days, 90) / 90.0 + 0.5 / (1 + n["recent_assignments"]!.GetValue<int>());
        return Math.Round(100 * (0.35 * d + 0.30 * s + 0.20 * c + 0.15 * l), 2);
    }
}
