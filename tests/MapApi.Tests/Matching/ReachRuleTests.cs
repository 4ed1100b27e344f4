using ResourceMap.Api.Infrastructure;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Matching;

/// <summary>
/// rm_team_reaches decides on the sphere first and asks the ellipsoid only within 1 % of the radius (0105). Its answer
/// must be the ellipsoid's for every pair: places are put at 97–103 % of the radius (on the ellipsoid) around teams from
/// the equator to 80°, with radii from 100 m to 500 km, so pairs fall on both sides of the edge and in the band.
/// </summary>
public sealed class ReachRuleTests(MapApiFactory app) : IClassFixture<MapApiFactory>
{
    [Fact]
    public async Task A_team_reaches_a_place_exactly_when_the_ellipsoid_says_so()
    {
        await using var conn = await app.Sql.OpenConnectionAsync();
        await using var command = conn.Command("""
            SELECT setseed(0.42);
            WITH teams AS (
                SELECT ST_SetSRID(ST_MakePoint(-180 + random() * 360, random() * 80 * (CASE WHEN random() < 0.5 THEN -1 ELSE 1 END)), 4326) AS geom,
                       (100 * power(5000, random()))::int AS radius_m, random() * 360 AS azimuth, 0.97 + random() * 0.06 AS share
                FROM generate_series(1, 50000)),
            pairs AS (
                SELECT geom, radius_m, ST_Project(geom::geography, radius_m * share, radians(azimuth))::geometry AS place FROM teams)
            SELECT count(*),
                   count(*) FILTER (WHERE (rm_team_reaches(geom, radius_m, NULL, place) IS TRUE) IS DISTINCT FROM ST_DWithin(geom::geography, place::geography, radius_m)),
                   count(*) FILTER (WHERE ST_DistanceSphere(geom, place) < radius_m * 0.99),
                   count(*) FILTER (WHERE ST_DistanceSphere(geom, place) > radius_m * 1.01),
                   count(*) FILTER (WHERE ST_DistanceSphere(geom, place) BETWEEN radius_m * 0.99 AND radius_m * 1.01),
                   count(*) FILTER (WHERE ST_DWithin(geom::geography, place::geography, radius_m))
            FROM pairs
            """);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.NextResultAsync();
        await reader.ReadAsync();
        var (pairs, wrong, inside, outside, band, reached) =
            (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5));
        Assert.Equal(50_000, pairs);
        Assert.Equal(0, wrong);
        // Every branch is taken many times, and about half the places are reached.
        Assert.True(inside > 5_000 && outside > 5_000 && band > 5_000, $"inside {inside}, outside {outside}, band {band}");
        Assert.InRange(reached, 20_000, 30_000);
    }

    [Fact]
    public async Task A_team_without_a_radius_reaches_only_its_service_area()
    {
        await using var conn = await app.Sql.OpenConnectionAsync();
        await using var command = conn.Command("""
            SELECT rm_team_reaches(ST_SetSRID(ST_MakePoint(108, 15), 4326), NULL, NULL, ST_SetSRID(ST_MakePoint(108, 15), 4326)) IS TRUE,
                   rm_team_reaches(ST_SetSRID(ST_MakePoint(108, 15), 4326), NULL, ST_Buffer(ST_SetSRID(ST_MakePoint(109, 15), 4326), 0.1),
                                   ST_SetSRID(ST_MakePoint(109, 15), 4326)) IS TRUE,
                   rm_team_reaches(ST_SetSRID(ST_MakePoint(108, 15), 4326), 1000, NULL, ST_SetSRID(ST_MakePoint(108, 15), 4326)) IS TRUE
            """);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.False(reader.GetBoolean(0));
        Assert.True(reader.GetBoolean(1));
        Assert.True(reader.GetBoolean(2));
    }
}
