using System.Text.Json;
using Npgsql;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Api.Import;

/// <summary>
/// Loads GeoJSON FeatureCollections (properties = column names, geometry = geom) and JSON row arrays
/// into the tables the map reads. PostGIS parses the geometry; C# only checks the shape of the file.
/// </summary>
public sealed class DataLoader(NpgsqlDataSource dataSource, ILogger<DataLoader> logger)
{
    /// <summary>Tables a file may load into; the manifest and the import command cannot name others.</summary>
    public static readonly IReadOnlySet<string> LoadableTables = new HashSet<string>
    {
        "data_sources", "skills", "admin_units", "teams", "team_availability", "red_sites",
        "hardship_villages", "border_areas", "border_markers", "needs", "activities",
    };


    /// <summary>Loads every file of data/manifest.json in one transaction, only if the database holds no data yet.</summary>
    public async Task<bool> SeedIfEmptyAsync(string dataDirectory, CancellationToken ct = default)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        if ((bool)(await conn.Command("SELECT EXISTS (SELECT 1 FROM data_sources)").ExecuteScalarAsync(ct))!)
            return false; // a re-run keeps what users entered

        var manifestPath = Path.Combine(dataDirectory, "manifest.json");
        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(manifestPath, ct));
        await using var tx = await conn.BeginTransactionAsync(ct);
        foreach (var entry in manifest.RootElement.GetProperty("files").EnumerateArray())
        {
            var file = entry.GetProperty("file").GetString()!;
            var table = entry.GetProperty("table").GetString()!;
            var rows = await LoadFileAsync(conn, table, Path.Combine(dataDirectory, file), ct);
            logger.LogInformation("Loaded {Rows} rows from {File} into {Table}", rows, file, table);
        }
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>Loads one file into one table inside the caller's transaction (if any); returns the row count.</summary>
    public async Task<int> LoadFileAsync(NpgsqlConnection conn, string table, string path, CancellationToken ct = default)
    {
        if (!LoadableTables.Contains(table))
            throw new DataLoadException($"'{table}' is not a table data can be loaded into (one of: {string.Join(", ", LoadableTables)}).");
        var info = new FileInfo(path);
        if (!info.Exists) throw new DataLoadException($"File not found: {path}");
        if (info.Length > ApiLimits.Current.MaxImportFileBytes) throw new DataLoadException($"{path} is larger than {ApiLimits.Current.MaxImportFileBytes / 1024 / 1024} MB.");

        var text = await File.ReadAllTextAsync(path, ct);
        var isGeoJson = path.EndsWith(".geojson", StringComparison.OrdinalIgnoreCase);
        var keys = ReadPropertyKeys(text, isGeoJson, path);

        var columns = await LoadableColumnsAsync(conn, table, ct);
        var unknown = keys.Where(k => !columns.ContainsKey(k)).ToList();
        if (unknown.Count > 0)
            throw new DataLoadException($"{Path.GetFileName(path)}: {string.Join(", ", unknown)} are not columns of {table}.");
        if (isGeoJson) keys.Add("geom");

        // Identifiers below come from the catalog, never from the file's text.
        var columnList = string.Join(", ", keys.Select(k => $"\"{k}\""));
        // A key missing from one record takes the column's default, not NULL (jsonb_populate_record would give NULL).
        var record = isGeoJson ? "coalesce(f->'properties', '{}')" : "f";
        var selectList = string.Join(", ", keys.Select(k => k == "geom" || columns[k].Default is null
            ? $"r.\"{k}\""
            : $"CASE WHEN {record} ? '{k}' THEN r.\"{k}\" ELSE {columns[k].Default} END"));
        string rowSource;
        if (isGeoJson)
        {
            var toGeometry = columns["geom"].Type == "MULTIPOLYGON"
                ? "ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(f->>'geometry'), 4326))"
                : "ST_SetSRID(ST_GeomFromGeoJSON(f->>'geometry'), 4326)";
            rowSource = $$"""
                jsonb_array_elements(@doc::jsonb -> 'features') f,
                LATERAL jsonb_populate_record(NULL::"{{table}}",
                    coalesce(f->'properties', '{}') || jsonb_build_object('geom', encode(ST_AsEWKB({{toGeometry}}), 'hex'))) r
                """;
        }
        else
        {
            rowSource = $"""jsonb_array_elements(@doc::jsonb) f, LATERAL jsonb_populate_record(NULL::"{table}", f) r""";
        }

        var sql = $"""INSERT INTO "{table}" ({columnList}) OVERRIDING SYSTEM VALUE SELECT {selectList} FROM {rowSource}""";
        int rows;
        try
        {
            rows = await conn.Command(sql, ("doc", text)).ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e)
        {
            throw new DataLoadException($"{Path.GetFileName(path)} → {table}: {e.MessageText}{(e.Detail is null ? "" : " (" + e.Detail + ")")}");
        }

        // Explicit ids bypass the identity sequence: move it past them so later inserts do not collide.
        if (keys.Contains("id")
            && await conn.Command($"""SELECT pg_get_serial_sequence('"{table}"', 'id')""").ExecuteScalarAsync(ct) is string sequence)
            await conn.Command($"""SELECT setval(@sequence, greatest((SELECT max(id) FROM "{table}"), 1))""", ("sequence", sequence))
                .ExecuteNonQueryAsync(ct);
        return rows;
    }

    static HashSet<string> ReadPropertyKeys(string text, bool isGeoJson, string path)
    {
        using var doc = JsonDocument.Parse(text);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        IEnumerable<JsonElement> records;
        if (isGeoJson)
        {
            if (!doc.RootElement.TryGetProperty("type", out var type) || type.GetString() != "FeatureCollection"
                || !doc.RootElement.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
                throw new DataLoadException($"{Path.GetFileName(path)} is not a GeoJSON FeatureCollection.");
            records = features.EnumerateArray().Select(f =>
            {
                if (!f.TryGetProperty("geometry", out var g) || g.ValueKind != JsonValueKind.Object)
                    throw new DataLoadException($"{Path.GetFileName(path)}: every feature needs a geometry.");
                return f.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
            });
        }
        else
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
                throw new DataLoadException($"{Path.GetFileName(path)} must be a JSON array of rows.");
            records = doc.RootElement.EnumerateArray();
        }
        foreach (var record in records.Where(r => r.ValueKind == JsonValueKind.Object))
            foreach (var property in record.EnumerateObject())
                keys.Add(property.Name);
        keys.Remove("geom");
        return keys;
    }

    sealed record Column(string Type, string? Default);

    /// <summary>Columns a file may set (generated columns excluded): geometry subtype or SQL type, and default expression.</summary>
    static async Task<Dictionary<string, Column>> LoadableColumnsAsync(NpgsqlConnection conn, string table, CancellationToken ct)
    {
        const string sql = """
            SELECT a.attname,
                   CASE WHEN a.atttypid = 'geometry'::regtype THEN upper(postgis_typmod_type(a.atttypmod))
                        ELSE format_type(a.atttypid, a.atttypmod) END,
                   pg_get_expr(d.adbin, d.adrelid)
            FROM pg_attribute a
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE a.attrelid = @table::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
            """;
        var columns = new Dictionary<string, Column>(StringComparer.Ordinal);
        await using var reader = await conn.Command(sql, ("table", table)).ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            columns[reader.GetString(0)] = new Column(reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
        return columns;
    }
}

public sealed class DataLoadException(string message) : Exception(message);
