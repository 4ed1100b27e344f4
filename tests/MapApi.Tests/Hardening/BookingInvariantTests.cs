using System.Net.Http.Json;
using Npgsql;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Tests.Infrastructure;
using ResourceMap.Tests.Needs;

namespace ResourceMap.Tests.Hardening;

/// <summary>Over-booking is impossible whatever writes: the API, a side door like a capacity edit, or plain SQL.</summary>
public sealed class BookingInvariantTests(FixtureApiFactory app) : IClassFixture<FixtureApiFactory>
{
    [Fact]
    public async Task Capacity_cannot_drop_below_the_places_held_and_accepting_stays_within_it()
    {
        var coordinator = await app.LoginAsync("coord1");
        // Two needs on overlapping days, each proposing 1 volunteer of SpareB (capacity 6).
        var first = await NeedRequests.CreateAsync(coordinator, NeedRequests.VillageNeed(volunteers: 1, skills: ["logistics"], startInDays: 20));
        var second = await NeedRequests.CreateAsync(coordinator, NeedRequests.VillageNeed(volunteers: 1, skills: ["logistics"], startInDays: 21));
        var ids = new[] { first["id"]!.GetValue<long>(), second["id"]!.GetValue<long>() };
        var assignments = new List<long>();
        foreach (var need in ids)
        {
            var proposed = await NeedRequests.ProposeAsync(coordinator, need, Fixture.SpareB, 1);
            Assert.Equal(201, (int)proposed.StatusCode);
            assignments.Add((await proposed.ReadJsonAsync())["id"]!.GetValue<long>());
        }

        var lowered = await coordinator.PatchAsJsonAsync($"/api/teams/{Fixture.SpareB}", new { capacity = 0 });
        var problem = await lowered.AssertProblemAsync(409);
        Assert.Contains("holds 2 places", problem["detail"]!.GetValue<string>());
        Assert.Equal(6, await app.ScalarAsync<int>("SELECT capacity FROM teams WHERE id = @id", ("id", Fixture.SpareB)));

        // Down to exactly what is held is allowed; both accepts then fit.
        Assert.Equal(200, (int)(await coordinator.PatchAsJsonAsync($"/api/teams/{Fixture.SpareB}", new { capacity = 2 })).StatusCode);
        for (var i = 0; i < 2; i++)
            Assert.Equal(200, (int)(await coordinator.PostAsync($"/api/needs/{ids[i]}/assignments/{assignments[i]}/accept", null)).StatusCode);
        Assert.Equal(2, await app.ScalarAsync<int>("SELECT rm_team_peak_load(@id, rm_today(), NULL)", ("id", Fixture.SpareB)));
    }

    [Fact]
    public async Task Plain_sql_cannot_over_book_a_team_or_a_need()
    {
        var coordinator = await app.LoginAsync("coord2");
        var need = (await NeedRequests.CreateAsync(coordinator, NeedRequests.VillageNeed(volunteers: 3, skills: ["logistics"], startInDays: 40)))["id"]!.GetValue<long>();
        await using var conn = await app.Sql.OpenConnectionAsync();

        // More volunteers than the need asks for.
        var overNeed = await Assert.ThrowsAsync<PostgresException>(() => conn.Command("""
            INSERT INTO assignments (need_id, team_id, volunteers, period, proposed_by)
            VALUES (@need, @team, 4, daterange(rm_today() + 40, rm_today() + 43, '[]'), 'sql')
            """, ("need", need), ("team", Fixture.SpareC)).ExecuteNonQueryAsync());
        Assert.Equal(Problems.BookingConflict, overNeed.SqlState);

        // More places than the team has (capacity 6) on one day, through two needs' rows.
        var other = (await NeedRequests.CreateAsync(coordinator, NeedRequests.VillageNeed(volunteers: 5, skills: ["logistics"], startInDays: 41)))["id"]!.GetValue<long>();
        await conn.Command("""
            INSERT INTO assignments (need_id, team_id, volunteers, period, proposed_by)
            VALUES (@need, @team, 3, daterange(rm_today() + 40, rm_today() + 43, '[]'), 'sql')
            """, ("need", need), ("team", Fixture.SpareC)).ExecuteNonQueryAsync();
        var overTeam = await Assert.ThrowsAsync<PostgresException>(() => conn.Command("""
            INSERT INTO assignments (need_id, team_id, volunteers, period, proposed_by)
            VALUES (@need, @team, 4, daterange(rm_today() + 41, rm_today() + 44, '[]'), 'sql')
            """, ("need", other), ("team", Fixture.SpareC)).ExecuteNonQueryAsync());
        Assert.Equal(Problems.BookingConflict, overTeam.SqlState);
        Assert.Contains("capacity is 6", overTeam.MessageText);

        // The same days are free again once the first booking is withdrawn.
        await conn.Command("UPDATE assignments SET status = 'withdrawn' WHERE need_id = @need", ("need", need)).ExecuteNonQueryAsync();
        await conn.Command("""
            INSERT INTO assignments (need_id, team_id, volunteers, period, proposed_by)
            VALUES (@need, @team, 4, daterange(rm_today() + 41, rm_today() + 44, '[]'), 'sql')
            """, ("need", other), ("team", Fixture.SpareC)).ExecuteNonQueryAsync();

        var lowerNeed = await Assert.ThrowsAsync<PostgresException>(() =>
            conn.Command("UPDATE needs SET volunteers_needed = 2 WHERE id = @id", ("id", other)).ExecuteNonQueryAsync());
        Assert.Equal(Problems.BookingConflict, lowerNeed.SqlState);
    }
}
