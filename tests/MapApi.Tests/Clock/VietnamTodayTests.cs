using System.Globalization;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Tests.Infrastructure;
using Xunit.Abstractions;

namespace ResourceMap.Tests.Clock;

/// <summary>
/// "Today" is Vietnam's date for the app (VietnamTime.Today), for the database (rm_today()) and for what the API
/// stores, whatever the hour and the time zone of the machine. ./scripts/test.sh re-runs every test with this
/// trait with the test process's and the PostgreSQL server's clocks moved by libfaketime (16:59, 17:01 and
/// 23:59 UTC, and in Asia/Ho_Chi_Minh and America/Los_Angeles); RESOURCEMAP_CLOCK_TARGET / RESOURCEMAP_CLOCK_TZ
/// tell this test which run it is in, so it can check that both clocks really were moved.
/// </summary>
[Trait("Clock", "sensitive")]
public sealed class VietnamTodayTests(FixtureApiFactory app, ITestOutputHelper output) : IClassFixture<FixtureApiFactory>
{
    static readonly TimeZoneInfo Vietnam = TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh");

    [Fact]
    public async Task Today_is_Vietnams_date_in_the_app_and_in_the_database_at_any_hour_and_in_any_time_zone()
    {
        var appNow = DateTime.UtcNow;
        // Expected from the time-zone database, not from the +7 offset VietnamTime uses.
        var expected = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(appNow, Vietnam));
        Assert.Equal(expected, VietnamTime.Today);

        await using var conn = await app.Sql.OpenConnectionAsync();
        await using var command = conn.Command(
            "SELECT now(), rm_today(), current_date, current_setting('TimeZone'), (now() AT TIME ZONE 'UTC')::date");
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var dbNow = reader.GetFieldValue<DateTime>(0);
        var dbToday = reader.GetFieldValue<DateOnly>(1);
        var sessionDate = reader.GetFieldValue<DateOnly>(2);
        var dbZone = reader.GetString(3);
        var utcDate = reader.GetFieldValue<DateOnly>(4);
        output.WriteLine($"app UTC {appNow:O} ({TimeZoneInfo.Local.Id}); database now() {dbNow:O} ({dbZone}); " +
                         $"Vietnam {expected}, rm_today() {dbToday}, current_date {sessionDate}, UTC date {utcDate}");

        // The app's and the server's clocks agree (both moved in a clock run), so their "today"s are comparable.
        Assert.True(Math.Abs((dbNow - appNow).TotalMinutes) < 2, $"app clock {appNow:O}, database clock {dbNow:O}");
        Assert.Equal(DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(dbNow, Vietnam)), dbToday);
        Assert.Equal(expected, dbToday);

        if (Environment.GetEnvironmentVariable("RESOURCEMAP_CLOCK_TARGET") is { Length: > 0 } target)
        {
            // A clock run: both clocks start at the target instant and tick from there (a run takes well under 10 minutes).
            var instant = DateTime.Parse(target, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            Assert.InRange(appNow, instant, instant.AddMinutes(10));
            Assert.InRange(dbNow.ToUniversalTime(), instant.AddSeconds(-5), instant.AddMinutes(10));
        }
        if (Environment.GetEnvironmentVariable("RESOURCEMAP_CLOCK_TZ") is { Length: > 0 } zone)
        {
            Assert.Equal(zone, TimeZoneInfo.Local.Id);
            Assert.Equal(zone, dbZone);
        }
    }

    [Fact]
    public async Task A_village_served_today_is_stamped_with_Vietnams_date()
    {
        // What the API stores when a need is done (RecordActivities: last_served_on = rm_today()), checked against the
        // test process's own view of Vietnam's date: the app and the database must name the same day.
        var before = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, Vietnam));
        var coordinator = await app.LoginAsync("coord1");
        var need = await Needs.NeedRequests.CreateAsync(coordinator, Needs.NeedRequests.VillageNeed(volunteers: 2, startInDays: 0, days: 1));
        var id = need["id"]!.GetValue<long>();
        var proposed = await Needs.NeedRequests.ProposeAsync(coordinator, id, Fixture.NamTraMy, 2);
        Assert.Equal(201, (int)proposed.StatusCode);
        var aid = (await proposed.ReadJsonAsync())["id"]!.GetValue<long>();
        Assert.Equal(200, (int)(await coordinator.PostAsync($"/api/needs/{id}/assignments/{aid}/accept", null)).StatusCode);
        Assert.Equal(200, (int)(await Needs.NeedRequests.TransitionAsync(coordinator, id, "in-progress")).StatusCode);
        Assert.Equal(200, (int)(await Needs.NeedRequests.TransitionAsync(coordinator, id, "done")).StatusCode);

        var served = await app.ScalarAsync<DateTime>("SELECT last_served_on::timestamp FROM hardship_villages WHERE id = @id", ("id", Fixture.Village));
        var after = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.UtcNow, Vietnam));
        // Vietnam's midnight may pass while the need moves (seconds, in the 16:59 run): either side of it is right.
        Assert.Contains(DateOnly.FromDateTime(served), new[] { before, after });
        Assert.Equal(after, VietnamTime.Today);
    }
}
