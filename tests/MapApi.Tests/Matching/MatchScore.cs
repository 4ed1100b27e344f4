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
}
