using ResourceMap.Api.Coordinates;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Coordinates;

/// <summary>ProjNet's VN-2000 transformation is checked against PROJ inside PostGIS (ST_Transform), an independent implementation.</summary>
public sealed class Vn2000Tests(MapApiFactory app) : IClassFixture<MapApiFactory>
{
    [Theory]
    [InlineData(108.48, 15.57, 3405, Vn2000.Zone.Utm48, null)]       // Tam Kỳ, UTM 48N
    [InlineData(107.93, 15.12, 3405, Vn2000.Zone.Utm48, null)]       // Nam Trà My
    [InlineData(109.20, 12.25, 3406, Vn2000.Zone.Utm49, null)]       // Nha Trang, UTM 49N
    [InlineData(105.97, 9.60, 3405, Vn2000.Zone.Utm48, null)]        // Sóc Trăng
    [InlineData(108.20, 16.05, 5899, Vn2000.Zone.Tm3, 107.75)]       // Đà Nẵng TM-3 107°45′
    public async Task ProjNet_agrees_with_PostGIS_to_the_centimetre(double lon, double lat, int srid, Vn2000.Zone zone, double? meridian)
    {
        double postgisX, postgisY;
        await using (var conn = await app.Sql.OpenConnectionAsync())
        await using (var reader = await conn.Command(
            // The proj4 definition pins the official TOWGS84 parameters; by EPSG code alone PROJ may pick
            // another published VN-2000 transformation in the south (≈0.8 m apart near Sóc Trăng).
            "SELECT ST_X(p), ST_Y(p) FROM ST_Transform(ST_SetSRID(ST_MakePoint(@lon, @lat), 4326), (SELECT proj4text FROM spatial_ref_sys WHERE srid = @srid)) p",
            ("lon", lon), ("lat", lat), ("srid", srid)).ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            (postgisX, postgisY) = (reader.GetDouble(0), reader.GetDouble(1));
        }
        var (x, y) = Vn2000.FromWgs84(lon, lat, zone, meridian);
        Assert.InRange(x - postgisX, -0.01, 0.01);
        Assert.InRange(y - postgisY, -0.01, 0.01);

        var (backLon, backLat) = Vn2000.ToWgs84(x, y, zone, meridian);
        Assert.InRange(backLon - lon, -1e-7, 1e-7);
        Assert.InRange(backLat - lat, -1e-7, 1e-7);
    }

    [Fact]
    public async Task The_datum_shift_is_applied()
    {
        // VN-2000 and WGS84 share an ellipsoid but not an origin: the shift is tens of metres, never zero.
        var (x, _) = Vn2000.FromWgs84(108.0, 15.5, Vn2000.Zone.Utm48);
        await using var conn = await app.Sql.OpenConnectionAsync();
        var plainUtm = (double)(await conn.Command("SELECT ST_X(ST_Transform(ST_SetSRID(ST_MakePoint(108.0, 15.5), 4326), 32648))").ExecuteScalarAsync())!;
        Assert.InRange(Math.Abs(x - plainUtm), 5, 500);
    }

    [Fact]
    public async Task Http_round_trip_and_bad_input()
    {
        var client = app.CreateClient();
        var to = await (await client.GetAsync("/api/coordinates/to-vn2000?lon=108.48&lat=15.57&zone=tm3&province=49")).ReadJsonAsync();
        var e = to["vn2000"]!["easting"]!.GetValue<double>();
        var n = to["vn2000"]!["northing"]!.GetValue<double>();
        var back = await (await client.GetAsync($"/api/coordinates/from-vn2000?x={e}&y={n}&zone=tm3&central_meridian=107.75")).ReadJsonAsync();
        Assert.InRange(back["wgs84"]!["lon"]!.GetValue<double>(), 108.4799999, 108.4800001);
        Assert.InRange(back["wgs84"]!["lat"]!.GetValue<double>(), 15.5699999, 15.5700001);

        await (await client.GetAsync("/api/coordinates/from-vn2000?x=1&zone=utm48")).AssertProblemAsync(400);
        await (await client.GetAsync("/api/coordinates/from-vn2000?x=500000&y=1700000&zone=mars")).AssertProblemAsync(400);
        await (await client.GetAsync("/api/coordinates/from-vn2000?x=500000&y=1700000&zone=tm3")).AssertProblemAsync(400);
        await (await client.GetAsync("/api/coordinates/to-vn2000?lon=300&lat=15")).AssertProblemAsync(400);
    }
}
