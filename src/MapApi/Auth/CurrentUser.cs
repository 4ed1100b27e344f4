using System.Globalization;
using System.Security.Claims;

namespace ResourceMap.Api.Auth;

public static class Roles
{
    public const string Coordinator = "coordinator";
    public const string TeamLead = "team-lead";
    public static readonly string[] All = [Coordinator, TeamLead];
}

/// <summary>The signed-in user as the token states it; null for anonymous requests.</summary>
public sealed record CurrentUser(long Id, string Username, string DisplayName, string Role, long? TeamId, string? AdminScope = null)
{
    public bool IsCoordinator => Role == Roles.Coordinator;
    public bool LeadsTeam(long teamId) => Role == Roles.TeamLead && TeamId == teamId;
    /// <summary>May edit this team: any coordinator, or the team's own lead.</summary>
    public bool MayEditTeam(long teamId) => IsCoordinator || LeadsTeam(teamId);

    public static CurrentUser? From(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true) return null;
        if (!long.TryParse(principal.FindFirstValue(TokenClaims.Subject), NumberStyles.None, CultureInfo.InvariantCulture, out var id)) return null;
        long? team = long.TryParse(principal.FindFirstValue(TokenClaims.TeamId), NumberStyles.None, CultureInfo.InvariantCulture, out var t) ? t : null;
        return new CurrentUser(id, principal.FindFirstValue(TokenClaims.Username) ?? "",
            principal.FindFirstValue(TokenClaims.DisplayName) ?? "", principal.FindFirstValue(TokenClaims.Role) ?? "", team,
            principal.FindFirstValue(TokenClaims.AdminScope));
    }
}

public static class TokenClaims
{
    public const string Subject = "sub", Username = "username", DisplayName = "name", Role = "role", TeamId = "team_id", AdminScope = "admin_scope",
        Version = "ver", Session = "sid", TokenId = "jti";
}
