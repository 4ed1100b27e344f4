using System.Globalization;
using System.Text;
using Npgsql;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Api.Matching;

namespace ResourceMap.Bench;

/// <summary>
/// A synthetic national data set: teams scattered (±0.3°) around the centres of Vietnam's provinces
/// (approximate, pre-2025 units), with skills, capacity, radius 5–80 km, availability and load; needs likewise.
/// Sample data for timing only — never loaded into a real database.
/// </summary>
public static class Generator
{
    static readonly (string Name, double Lon, double Lat)[] Provinces =
    [
        ("Hà Nội", 105.85, 21.03), ("Hà Giang", 104.98, 22.82), ("Cao Bằng", 106.26, 22.67), ("Lào Cai", 103.97, 22.48),
        ("Điện Biên", 103.02, 21.39), ("Lai Châu", 103.46, 22.39), ("Sơn La", 103.91, 21.33), ("Yên Bái", 104.87, 21.72),
        ("Tuyên Quang", 105.21, 21.82), ("Lạng Sơn", 106.76, 21.85), ("Quảng Ninh", 107.29, 21.01), ("Thái Nguyên", 105.84, 21.59),
        ("Phú Thọ", 105.22, 21.32), ("Bắc Giang", 106.19, 21.27), ("Hải Phòng", 106.68, 20.86), ("Thái Bình", 106.34, 20.45),
        ("Nam Định", 106.17, 20.42), ("Ninh Bình", 105.97, 20.25), ("Thanh Hóa", 105.78, 19.81), ("Nghệ An", 105.68, 18.67),
        ("Hà Tĩnh", 105.90, 18.34), ("Quảng Bình", 106.60, 17.47), ("Quảng Trị", 107.19, 16.75), ("Thừa Thiên Huế", 107.58, 16.46),
        ("Đà Nẵng", 108.20, 16.05), ("Quảng Nam", 108.02, 15.57), ("Quảng Ngãi", 108.80, 15.12), ("Kon Tum", 108.00, 14.35),
        ("Gia Lai", 108.00, 13.98), ("Bình Định", 109.22, 13.78), ("Phú Yên", 109.30, 13.09), ("Đắk Lắk", 108.05, 12.67),
        ("Đắk Nông", 107.69, 12.00), ("Khánh Hòa", 109.19, 12.24), ("Lâm Đồng", 108.44, 11.94), ("Ninh Thuận", 108.99, 11.57),
        ("Bình Phước", 106.90, 11.75), ("Bình Dương", 106.65, 11.00), ("Tây Ninh", 106.10, 11.31), ("Đồng Nai", 107.00, 10.95),
        ("Bình Thuận", 108.10, 10.93), ("TP. Hồ Chí Minh", 106.70, 10.78), ("Bà Rịa – Vũng Tàu", 107.24, 10.50), ("Long An", 106.41, 10.54),
        ("Tiền Giang", 106.36, 10.36), ("Bến Tre", 106.38, 10.24), ("Đồng Tháp", 105.63, 10.46), ("Vĩnh Long", 105.97, 10.25),
        ("Trà Vinh", 106.34, 9.94), ("An Giang", 105.13, 10.52), ("Cần Thơ", 105.78, 10.03), ("Hậu Giang", 105.64, 9.78),
        ("Sóc Trăng", 105.97, 9.60), ("Kiên Giang", 105.08, 10.01), ("Bạc Liêu", 105.72, 9.29), ("Cà Mau", 105.15, 9.18),
    ];

    /// <summary>Where the generated teams cluster: the layers benchmark aims its views and tiles there.</summary>
    public static IReadOnlyList<(string Name, double Lon, double Lat)> ProvinceCentres => Provinces;

    /// <summary>Villages generated for the planning endpoints: the national count of extremely difficult villages.</summary>
    public const int Villages = 13_222;

    static readonly string[] Skills = ["first-aid", "construction", "teaching", "digital-skills", "swimming", "logistics", "medical", "environment"];

    public static async Task GenerateAsync(NpgsqlDataSource db, int teams, int needs)
    {
        var values = new StringBuilder();
        for (var i = 0; i < Provinces.Length; i++)
            values.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture,
                $"({i},'{Provinces[i].Name}',{Provinces[i].Lon.ToString(CultureInfo.InvariantCulture)},{Provinces[i].Lat.ToString(CultureInfo.InvariantCulture)})");
        var provinces = $"(VALUES {values}) AS p(idx, name, lon, lat)";
        var k = Provinces.Length;

        await using var conn = await db.OpenConnectionAsync();
        // Counting the teams that reach each of 13,222 villages among a million teams takes minutes (village_reach, 0099).
        async Task Run(string sql) { await using var c = conn.Command(sql); c.CommandTimeout = 3600; await c.ExecuteNonQueryAsync(); }

        await Run("TRUNCATE assignments, need_status_history, activities, needs, team_availability, users, teams RESTART IDENTITY CASCADE");
        await Run("""
            INSERT INTO data_sources (id, title, licence, accuracy, is_sample)
            VALUES ('bench', 'Synthetic benchmark data', 'n/a', 'synthetic', true) ON CONFLICT DO NOTHING
            """);
        await Run($"INSERT INTO skills (code, label_vi, label_en) SELECT s, s, s FROM unnest(ARRAY['{string.Join("','", Skills)}']) s ON CONFLICT DO NOTHING");
        var skills = $"(ARRAY['{string.Join("','", Skills)}'])";
        // Placing the admin-name trigger aside: there are no admin units here, and it would only cost time.
        await Run("ALTER TABLE teams DISABLE TRIGGER teams_admin_names; ALTER TABLE needs DISABLE TRIGGER needs_admin_names");
        await Run($"""
            INSERT INTO teams (name, team_type, parent_unit, skills, members, capacity, status, service_radius_m, last_assigned_at, geom, source_id, is_sample)
            SELECT 'Đội tình nguyện ' || g, (ARRAY['club','team','group','specialist'])[1 + g % 4], 'Tỉnh đoàn ' || p.name,
                   ARRAY(SELECT DISTINCT x FROM unnest(ARRAY[{skills}[1 + g % 8], {skills}[1 + (g / 8) % 8], {skills}[1 + (g / 64) % 8]]) x),
                   10 + g % 50, 5 + (random() * 35)::int,
                   CASE WHEN random() < 0.95 THEN 'active' ELSE 'inactive' END,
                   5000 + (random() * 75000)::int,
                   CASE WHEN random() < 0.5 THEN NULL ELSE now() - random() * interval '200 days' END,
                   ST_SetSRID(ST_MakePoint(p.lon + (random() - 0.5) * 0.6, p.lat + (random() - 0.5) * 0.6), 4326), 'bench', true
            FROM generate_series(1, {teams}) g JOIN {provinces} ON p.idx = g % {k}
            """);
        await Run("INSERT INTO team_availability (team_id, period) SELECT id, daterange(rm_today() - 30, rm_today() + 365, '[]') FROM teams WHERE random() < 0.9");
        await Run($"""
            INSERT INTO needs (title, category, required_skills, volunteers_needed, window_start, window_end, priority, public_summary, geom, source_id, is_sample)
            SELECT 'Nhu cầu ' || g, 'bench',
                   ARRAY(SELECT DISTINCT x FROM unnest(ARRAY[{skills}[1 + (g * 3) % 8], {skills}[1 + (g * 5 / 2) % 8]]) x),
                   2 + g % 14, rm_today() + g % 60, rm_today() + g % 60 + 3, 'normal', 'Nhu cầu mẫu',
                   ST_SetSRID(ST_MakePoint(p.lon + (random() - 0.5) * 0.6, p.lat + (random() - 0.5) * 0.6), 4326), 'bench', true
            FROM generate_series(1, {needs}) g JOIN {provinces} ON p.idx = (g * 7) % {k}
            """);
        await Run("ALTER TABLE teams ENABLE TRIGGER teams_admin_names; ALTER TABLE needs ENABLE TRIGGER needs_admin_names");
        // Vietnam's 13,222 extremely difficult villages (the count the plans give), for the planning endpoints: scattered
        // like the teams, beside whatever villages the seed holds; their admin names are derived from the seeded units.
        await Run("DELETE FROM hardship_villages WHERE source_id = 'bench'");
        var placing = System.Diagnostics.Stopwatch.StartNew();
        await Run($"""
            INSERT INTO hardship_villages (name, poverty_rate, households, population, extremely_difficult, new_rural_criteria_met,
                                           last_served_on, geom, source_id, is_sample)
            SELECT 'Thôn mẫu ' || g, round((20 + random() * 60)::numeric, 2), 50 + g % 200, 200 + g % 900, true, g % 19,
                   CASE WHEN random() < 0.5 THEN NULL ELSE rm_today() - (random() * 700)::int END,
                   ST_SetSRID(ST_MakePoint(p.lon + (random() - 0.5) * 0.8, p.lat + (random() - 0.5) * 0.8), 4326), 'bench', true
            FROM generate_series(1, {Villages}) g JOIN {provinces} ON p.idx = (g * 3) % {k}
            """);
        Console.WriteLine($"{Villages:N0} villages placed, teams in reach of each counted (village_reach), in {placing.Elapsed.TotalSeconds:0.0} s");
        await Run("VACUUM ANALYZE");
    }

    /// <summary>Whether the database already holds this data set (BENCH_REUSE=1 then skips generating it).</summary>
    public static async Task<bool> IsGeneratedAsync(NpgsqlDataSource db, int teams, int needs)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var counts = await conn.Command("""
            SELECT (SELECT count(*) FROM teams WHERE source_id = 'bench'), (SELECT count(*) FROM needs WHERE source_id = 'bench'),
                   (SELECT count(*) FROM hardship_villages WHERE source_id = 'bench')
            """).ExecuteReaderAsync();
        await counts.ReadAsync();
        return counts.GetInt64(0) == teams && counts.GetInt64(1) == needs && counts.GetInt64(2) == Villages;
    }

    public static async Task<List<MatchingApi.MatchQuery>> QueriesAsync(NpgsqlDataSource db)
    {
        var list = new List<MatchingApi.MatchQuery>();
        await using var conn = await db.OpenConnectionAsync();
        await using var r = await conn.Command("""
            SELECT ST_X(geom), ST_Y(geom), required_skills, window_start, window_end, volunteers_needed FROM needs ORDER BY id
            """).ExecuteReaderAsync();
        while (await r.ReadAsync())
            list.Add(new MatchingApi.MatchQuery(r.GetDouble(0), r.GetDouble(1), r.GetFieldValue<string[]>(2), r.GetFieldValue<DateOnly>(3),
                r.GetFieldValue<DateOnly>(4), r.GetInt32(5), 0, 10, null));
        return list;
    }
}
