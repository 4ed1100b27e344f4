using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using Npgsql;
using ResourceMap.Api.Coordinates;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Api.Teams;

namespace ResourceMap.Api.Import;

public sealed record ImportError(int Row, string Column, string? Value, string Reason, string ReasonVi);
public sealed record PreviewRow(int Row, string ExternalId, string Label, double Lon, double Lat, bool Approximate);
public sealed record ImportReport(long ImportId, string Layer, string FileName, string Format, bool DryRun, string Status,
    int TotalRows, int ErrorCount, int Inserted, int Updated, int Unchanged, IReadOnlyList<string> IgnoredColumns,
    IReadOnlyList<ImportError> Errors, IReadOnlyList<PreviewRow> Preview, string Message, string MessageVi);

/// <summary>Who imports: the name written in the report, and a coordinator's admin scope (rows outside it are refused).</summary>
public sealed record Importing(string Username, string? AdminScope);

/// <summary>
/// Bulk import: reads a file (ImportReader), checks every row (types, vocabularies, skills, coordinates
/// as lon/lat, VN-2000 X/Y or an admin unit name), and then either reports (dry run, nothing written)
/// or upserts every row by external id in one transaction. Each run stores its report in `imports`.
/// </summary>
public sealed class Importer(RegistryDb ef, ResourceMapOptions options)
{
    public const int MaxReportedErrors = 10_000, MaxPreviewRows = 5_000;

    sealed class RowResult
    {
        public required RawRow Raw;
        public JsonObject Values = new();
        public string? ExternalId;
        public double? Lon, Lat;
        public MultiPolygon? Area;
        public bool Approximate;
        public (string? Commune, string? District, string? Province)? AdminName;
        public string Label = "";
        public bool Bad;
    }

    public async Task<ImportReport> RunAsync(string layerId, string fileName, byte[] content, bool dryRun, Importing who, CancellationToken ct)
    {
        var layer = ImportLayers.Find(layerId) ?? throw new ArgumentException($"unknown layer {layerId}");
        var format = ImportReader.FormatOf(fileName) ?? "csv";
        var errors = new List<ImportError>();
        var ignored = new List<string>();
        var results = new List<RowResult>();
        var counts = (Inserted: 0, Updated: 0, Unchanged: 0);
        var total = 0;

        await ef.Database.OpenConnectionAsync(ct);
        var conn = (NpgsqlConnection)ef.Database.GetDbConnection();
        try
        {
            if (content.LongLength > options.Limits.MaxImportUploadBytes)
                throw new ImportFileException($"The file is larger than {options.Limits.MaxImportUploadBytes / 1024 / 1024} MB.", $"Tệp lớn hơn {options.Limits.MaxImportUploadBytes / 1024 / 1024} MB.");
            var table = ImportReader.Read(fileName, content, options.Limits.MaxImportUploadBytes);
            format = table.Format;
            total = table.Rows.Count;
            if (total == 0) throw new ImportFileException("The file holds no rows.", "Tệp không có dòng dữ liệu nào.");
            if (total > options.Limits.MaxImportRows)
                throw new ImportFileException($"The file holds {total} rows; at most {options.Limits.MaxImportRows} per import.", $"Tệp có {total} dòng; tối đa {options.Limits.MaxImportRows} dòng mỗi lần nhập.");

            var columns = MapHeaders(layer, table, ignored);
            var missing = layer.Fields.Where(f => f.Required && !columns.ContainsKey(f.Column))
                .Concat(ImportLayers.Common.Where(f => f.Required && !columns.ContainsKey(f.Column))).ToList();
            if (missing.Count > 0)
                throw new ImportFileException($"Missing column(s): {string.Join(", ", missing.Select(f => $"'{f.HeaderVi}' ({f.HeaderEn})"))}.",
                    $"Thiếu cột: {string.Join(", ", missing.Select(f => $"'{f.HeaderVi}'"))}.");

            var skills = await LoadSkillsAsync(conn, ct);
            foreach (var raw in table.Rows)
                results.Add(ParseRow(layer, raw, columns, skills, errors));

            await ResolveAdminNamesAsync(conn, results, errors, ct);
            var seen = new Dictionary<string, int>();
            foreach (var r in results.Where(r => r.ExternalId is not null))
            {
                if (seen.TryGetValue(r.ExternalId!, out var first))
                    Fail(r, errors, "Mã định danh", r.ExternalId, $"external id repeats row {first}", $"mã định danh trùng với dòng {first}");
                else seen[r.ExternalId!] = r.Raw.Row;
            }
            if (who.AdminScope is { } scope) await CheckScopeAsync(conn, results, scope, errors, ct);
            if (layer.Id == "border-markers") await CheckMarkerNumbersAsync(conn, results, columns, errors, ct);

            if (errors.Count == 0)
            {
                var columnList = UpsertColumns(layer, columns, format);
                await using var tx = await ef.Database.BeginTransactionAsync(ct);
                foreach (var source in RegistryQueries.Sources)
                    await conn.Command(RegistryQueries.EnsureSource, ("id", source.Id), ("title", source.Title), ("title_vi", source.TitleVi), ("accuracy", source.Accuracy)).ExecuteNonQueryAsync(ct);
                var rows = new JsonArray(results.Select(r => (JsonNode)RowJson(layer, r, who)).ToArray());
                var changed = new List<(long Id, bool Inserted)>();
                try
                {
                    await using var reader = await conn.Command(UpsertSql(layer, columnList), ("rows", rows.ToJsonString())).ExecuteReaderAsync(ct);
                    while (await reader.ReadAsync(ct)) changed.Add((reader.GetInt64(0), reader.GetBoolean(1)));
                }
                catch (PostgresException e)
                {
                    await tx.RollbackAsync(ct);
                    throw new ImportFileException($"The database refused the rows: {e.MessageText}",
                        $"Cơ sở dữ liệu từ chối các dòng: {e.MessageText}");
                }
                counts = (changed.Count(c => c.Inserted), changed.Count(c => !c.Inserted), results.Count - changed.Count);
                if (dryRun) await tx.RollbackAsync(ct);
                else
                {
                    var record = await SaveReportAsync(layer, fileName, format, false, "committed", total, errors, counts, ignored, results, who, ct);
                    await WriteHistoryAsync(conn, layer, changed, record.Id, fileName, who, ct);
                    await tx.CommitAsync(ct);
                    return ToReport(record, errors, ignored, results);
                }
            }
        }
        catch (ImportFileException e)
        {
            errors.Insert(0, new ImportError(0, "", null, e.Message, e.Vi));
        }
        finally
        {
            await ef.Database.CloseConnectionAsync();
        }
        var status = errors.Count == 0 ? "valid" : "invalid";
        var saved = await SaveReportAsync(layer, fileName, format, dryRun, status, total, errors, counts, ignored, results, who, ct);
        return ToReport(saved, errors, ignored, results);
    }

    // ---- headers and rows ----

    /// <summary>Field column → the header that names it in the file (All: every such header, for KML/GeoJSON whose records may differ).</summary>
    sealed class Columns : Dictionary<string, string>
    {
        public readonly Dictionary<string, List<string>> All = new();
    }

    static Columns MapHeaders(ImportLayer layer, RawTable table, List<string> ignored)
    {
        var byKey = new Dictionary<string, ImportField>();
        foreach (var f in ImportLayers.FieldsOf(layer))
            foreach (var name in new[] { f.HeaderVi, f.HeaderEn, f.Column }.Concat(f.Aliases ?? []))
                byKey.TryAdd(ImportLayers.Fold(name), f);
        var columns = new Columns();
        var tabular = table.Format is "xlsx" or "csv";
        foreach (var header in table.Headers)
        {
            if (byKey.TryGetValue(ImportLayers.Fold(header), out var field))
            {
                if (columns.TryGetValue(field.Column, out var other))
                {
                    // A spreadsheet has one header row: two columns for one field is ambiguous. Placemarks and features
                    // each carry their own names, so there the first one a record fills is used.
                    if (tabular)
                        throw new ImportFileException($"Columns '{other}' and '{header}' both mean {field.HeaderEn}; keep one.",
                            $"Cột '{other}' và '{header}' cùng là '{field.HeaderVi}'; hãy giữ một cột.");
                    columns.All[field.Column].Add(header);
                    continue;
                }
                columns[field.Column] = header;
                columns.All[field.Column] = [header];
            }
            else if (header.Length > 0) ignored.Add(header);
        }
        return columns;
    }

    static void Fail(RowResult r, List<ImportError> errors, string column, object? value, string en, string vi)
    {
        r.Bad = true;
        if (errors.Count < MaxReportedErrors)
            errors.Add(new ImportError(r.Raw.Row, column, value is null ? null : Convert.ToString(value, CultureInfo.InvariantCulture), en, vi));
    }

    static object? Cell(RawRow raw, Columns columns, string column)
    {
        if (!columns.All.TryGetValue(column, out var headers)) return null;
        foreach (var header in headers)
            if (raw.Cells.TryGetValue(header, out var v) && v switch { null => null, string s when string.IsNullOrWhiteSpace(s) => null, string s => s.Trim(), _ => v } is { } value)
                return value;
        return null;
    }

    RowResult ParseRow(ImportLayer layer, RawRow raw, Columns columns, IReadOnlyDictionary<string, string> skills, List<ImportError> errors)
    {
        var r = new RowResult { Raw = raw };
        if (raw.Cells.ContainsKey("\u0001extra"))
            Fail(r, errors, "", null, "the row has more cells than the header has columns", "dòng có nhiều ô hơn số cột của tiêu đề");
        var idField = ImportLayers.Common[0];
        var id = Cell(raw, columns, idField.Column);
        var idText = id is null ? null : Convert.ToString(id, CultureInfo.InvariantCulture)!.Trim();
        if (idText is null) Fail(r, errors, idField.HeaderVi, null, "external id is required", "thiếu mã định danh");
        else if (idText.Length > 100 || idText.Any(char.IsControl)) Fail(r, errors, idField.HeaderVi, idText, "external id must be 1–100 characters", "mã định danh dài 1–100 ký tự");
        else r.ExternalId = idText;

        foreach (var field in layer.Fields)
        {
            if (!columns.ContainsKey(field.Column)) continue;
            var value = Cell(raw, columns, field.Column);
            var header = columns[field.Column];
            if (value is null)
            {
                if (field.Required) Fail(r, errors, header, null, $"{field.HeaderEn} is required", $"thiếu {field.HeaderVi}");
                else r.Values[field.Column] = field.Default is null ? null : JsonSerializer.SerializeToNode(field.Default);
                continue;
            }
            if (ParseValue(field, value, skills, out var node) is { } problem) Fail(r, errors, header, value, problem.En, problem.Vi);
            else r.Values[field.Column] = node;
        }
        foreach (var (start, end) in new[] { ("window_start", "window_end"), ("started_on", "ended_on") })
            if (layer.Fields.Any(f => f.Column == end) && r.Values[start] is JsonValue s && r.Values[end] is JsonValue e
                && string.CompareOrdinal(e.GetValue<string>(), s.GetValue<string>()) < 0)
                Fail(r, errors, columns[end], e.GetValue<string>(), "the end date is before the start date", "ngày kết thúc trước ngày bắt đầu");
        var labelField = layer.Fields[0].Column;
        r.Label = r.Values[labelField]?.ToString() ?? r.ExternalId ?? "";

        ParseLocation(layer, r, columns, errors);
        return r;
    }

    static readonly Regex Email = new(@"^[^@\s]+@[^@\s]+$", RegexOptions.Compiled);

    static GeometryRules.Problem? ParseValue(ImportField field, object value, IReadOnlyDictionary<string, string> skills, out JsonNode? node)
    {
        node = null;
        var text = value switch { string s => s, DateTime d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), _ => Convert.ToString(value, CultureInfo.InvariantCulture)! };
        switch (field.Kind)
        {
            case FieldKind.Text:
                if (text.Length > field.MaxLength) return new($"at most {field.MaxLength} characters", $"tối đa {field.MaxLength} ký tự");
                if (text.Any(c => char.IsControl(c) && c is not ('\n' or '\r'))) return new("control characters are not allowed", "không được chứa ký tự điều khiển");
                if (field.Column.EndsWith("_email") && !Email.IsMatch(text)) return new("not an e-mail address", "không phải địa chỉ email");
                if (field.Column == "public_url" && !(Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
                    return new("must be an http:// or https:// address", "phải là địa chỉ http:// hoặc https://");
                node = text;
                return null;
            case FieldKind.Int:
            case FieldKind.Decimal:
            case FieldKind.Km:
                if (!TryNumber(value, out var number)) return new($"'{text}' is not a number", $"'{text}' không phải là số");
                if (field.Kind == FieldKind.Int && number != Math.Floor(number)) return new("must be a whole number", "phải là số nguyên");
                if (number < field.Min || number > field.Max) return new($"must be from {field.Min} to {field.Max}", $"phải từ {field.Min} đến {field.Max}");
                node = field.Kind switch
                {
                    FieldKind.Int => JsonValue.Create((long)number),
                    FieldKind.Km => JsonValue.Create((long)Math.Round(number * 1000)),
                    _ => JsonValue.Create(Math.Round(number, 6)),
                };
                return null;
            case FieldKind.Bool:
                var b = ImportLayers.Fold(text);
                if (b is "co" or "x" or "1" or "true" or "yes" or "dung") { node = true; return null; }
                if (b is "khong" or "0" or "false" or "no" or "sai") { node = false; return null; }
                return new("must be có/không (yes/no)", "phải là có hoặc không");
            case FieldKind.Date:
                if (value is DateTime dt) { node = dt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture); return null; }
                if (value is double serial && serial is > 1 and < 80000) { node = DateTime.FromOADate(serial).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture); return null; }
                if (DateOnly.TryParseExact(text, ["yyyy-MM-dd", "dd/MM/yyyy", "d/M/yyyy", "dd-MM-yyyy", "dd.MM.yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                    && date.Year is >= 1900 and <= 2100)
                { node = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture); return null; }
                return new($"'{text}' is not a date (dd/mm/yyyy)", $"'{text}' không phải ngày (dd/mm/yyyy)");
            case FieldKind.Enum:
                if (field.Vocabulary!.TryGetValue(ImportLayers.Fold(text), out var code)) { node = code; return null; }
                var allowed = string.Join(", ", field.Vocabulary.Values.Distinct());
                return new($"'{text}' is not one of: {allowed}", $"'{text}' không thuộc danh mục: {allowed}");
            case FieldKind.Country:
                var country = ImportLayers.Fold(text) switch
                {
                    "la" or "lao" or "laos" => "LA", "kh" or "campuchia" or "cambodia" => "KH", "cn" or "trung quoc" or "china" => "CN", _ => null,
                };
                if (country is null) return new($"'{text}' is not a neighbour (Lào, Campuchia, Trung Quốc or LA, KH, CN)", $"'{text}' không phải nước tiếp giáp (Lào, Campuchia, Trung Quốc)");
                node = country;
                return null;
            case FieldKind.Skills:
                var codes = new List<string>();
                foreach (var part in Split(text))
                {
                    if (!skills.TryGetValue(ImportLayers.Fold(part), out var skill)) return new($"unknown skill '{part}' (see /api/skills)", $"kỹ năng '{part}' không có trong danh mục (xem /api/skills)");
                    if (!codes.Contains(skill)) codes.Add(skill);
                }
                if (codes.Count > 30) return new("at most 30 skills", "tối đa 30 kỹ năng");
                node = new JsonArray(codes.Select(c => (JsonNode)c!).ToArray());
                return null;
            case FieldKind.Languages:
                var languages = Split(text).Select(l => l.ToLowerInvariant()).Distinct().ToList();
                if (languages.Count is 0 or > 20 || languages.Any(l => !Regex.IsMatch(l, "^[a-z]{2,3}$")))
                    return new("languages are codes like vi, en, km separated by commas", "ngôn ngữ là các mã như vi, en, km, cách nhau bởi dấu phẩy");
                node = new JsonArray(languages.Select(l => (JsonNode)l!).ToArray());
                return null;
            default: // TextList
                var items = Split(text).ToList();
                if (items.Count > 30 || items.Any(i => i.Length > 100)) return new("at most 30 items of 100 characters", "tối đa 30 mục, mỗi mục 100 ký tự");
                node = new JsonArray(items.Select(i => (JsonNode)i!).ToArray());
                return null;
        }
    }

    static IEnumerable<string> Split(string text) => text.Split([',', ';', '|', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>A number from Excel (double) or text, with a decimal point or a Vietnamese decimal comma.</summary>
    static bool TryNumber(object value, out double number)
    {
        number = 0;
        switch (value)
        {
            case double d: number = d; return double.IsFinite(d);
            case int or long or decimal or float: number = Convert.ToDouble(value, CultureInfo.InvariantCulture); return true;
            case string s:
                s = s.Trim().Replace(" ", "");
                if (s.Count(c => c == ',') == 1 && !s.Contains('.')) s = s.Replace(',', '.');
                return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out number) && double.IsFinite(number);
            default: return false;
        }
    }

    void ParseLocation(ImportLayer layer, RowResult r, Columns columns, List<ImportError> errors)
    {
        var raw = r.Raw;
        string H(string column) => columns.TryGetValue(column, out var h) ? h : ImportLayers.Common.First(f => f.Column == column).HeaderVi;
        if (raw.GeometryError is { } geometryError) { Fail(r, errors, "geometry", null, geometryError, "hình học không hợp lệ"); return; }

        var lon = Cell(raw, columns, ImportLayers.Lon);
        var lat = Cell(raw, columns, ImportLayers.Lat);
        var x = Cell(raw, columns, ImportLayers.X);
        var y = Cell(raw, columns, ImportLayers.Y);
        var commune = Cell(raw, columns, ImportLayers.Commune) as string;
        var district = Cell(raw, columns, ImportLayers.District) as string;
        var province = Cell(raw, columns, ImportLayers.Province) as string;

        if (raw.Geometry is { IsEmpty: false } g)
        {
            if (g is Point p) { SetPoint(r, p.X, p.Y, "geometry", errors); return; }
            if (g is Polygon or MultiPolygon && layer.AreaColumn is not null)
            {
                var (area, problem) = GeometryRules.Area(g);
                if (problem is not null) { Fail(r, errors, "geometry", null, problem.En, problem.Vi); return; }
                r.Area = area;
                if (lon is null && x is null)
                {
                    var inside = area!.InteriorPoint;
                    SetPoint(r, inside.X, inside.Y, "geometry", errors);
                    return;
                }
            }
            else
            {
                Fail(r, errors, "geometry", g.GeometryType, $"a {g.GeometryType} cannot be imported into {layer.Id} (a Point{(layer.AreaColumn is null ? "" : " or a Polygon")} is expected)",
                    $"không nhập được {g.GeometryType} vào lớp này (cần Point{(layer.AreaColumn is null ? "" : " hoặc Polygon")})");
                return;
            }
        }
        if (lon is not null || lat is not null)
        {
            if (lon is null || lat is null) { Fail(r, errors, H(lon is null ? ImportLayers.Lon : ImportLayers.Lat), null, "longitude and latitude go together", "cần cả kinh độ và vĩ độ"); return; }
            if (!TryNumber(lon, out var lo)) { Fail(r, errors, H(ImportLayers.Lon), lon, $"'{lon}' is not a number", $"'{lon}' không phải là số"); return; }
            if (!TryNumber(lat, out var la)) { Fail(r, errors, H(ImportLayers.Lat), lat, $"'{lat}' is not a number", $"'{lat}' không phải là số"); return; }
            SetPoint(r, lo, la, H(ImportLayers.Lon), errors);
            return;
        }
        if (x is not null || y is not null)
        {
            if (x is null || y is null) { Fail(r, errors, H(x is null ? ImportLayers.X : ImportLayers.Y), null, "VN-2000 X and Y go together", "cần cả X và Y (VN-2000)"); return; }
            if (!TryNumber(x, out var xv)) { Fail(r, errors, H(ImportLayers.X), x, $"'{x}' is not a number", $"'{x}' không phải là số"); return; }
            if (!TryNumber(y, out var yv)) { Fail(r, errors, H(ImportLayers.Y), y, $"'{y}' is not a number", $"'{y}' không phải là số"); return; }
            // Vietnamese surveys write X for the northing; files also swap them. Northings in Vietnam are 0.9–2.7 million metres,
            // eastings (false easting 500 km) 0.1–0.9 million, so the larger value is the northing.
            var (easting, northing) = (Math.Min(xv, yv), Math.Max(xv, yv));
            if (easting is < 100_000 or > 900_000 || northing is < 900_000 or > 2_700_000)
            { Fail(r, errors, H(ImportLayers.X), $"{xv}; {yv}", "X/Y are not VN-2000 metres in Vietnam (northing 900000–2700000, easting 100000–900000)", "X/Y không phải tọa độ VN-2000 (mét) trong lãnh thổ Việt Nam"); return; }
            var zoneText = Cell(raw, columns, ImportLayers.Zone);
            if (ParseZone(zoneText as string ?? (zoneText is null ? null : Convert.ToString(zoneText, CultureInfo.InvariantCulture)), out var zone, out var meridian) is { } zoneProblem)
            { Fail(r, errors, H(ImportLayers.Zone), zoneText, zoneProblem.En, zoneProblem.Vi); return; }
            var (l, t) = Vn2000.ToWgs84(easting, northing, zone, meridian);
            SetPoint(r, l, t, H(ImportLayers.X), errors);
            return;
        }
        if (commune is not null || district is not null || province is not null)
        {
            r.AdminName = (commune, district, province);
            r.Approximate = true;
            return;
        }
        Fail(r, errors, "", null, "no location: give longitude/latitude, VN-2000 X/Y with the zone, or the commune/district/province",
            "thiếu vị trí: cần kinh độ/vĩ độ, hoặc X/Y VN-2000 kèm múi chiếu, hoặc tên xã/huyện/tỉnh");
    }

    static void SetPoint(RowResult r, double lon, double lat, string column, List<ImportError> errors)
    {
        if (GeometryRules.CheckPoint(lon, lat) is { } problem) { Fail(r, errors, column, $"{lon}; {lat}", problem.En, problem.Vi); return; }
        (r.Lon, r.Lat) = (Math.Round(lon, 7), Math.Round(lat, 7));
    }

    static readonly Regex DegreesMinutes = new(@"(\d{2,3})\s*[°º]\s*(\d{1,2}(?:[.,]\d+)?)?", RegexOptions.Compiled);
    static readonly Regex Decimal = new(@"(\d{2,3}(?:[.,]\d+)?)", RegexOptions.Compiled);

    /// <summary>UTM48 / UTM49 (or EPSG 3405/3406), or TM-3 with its central meridian: "TM3 107°45'", "KTT 107.75", "107°45′".</summary>
    public static GeometryRules.Problem? ParseZone(string? text, out Vn2000.Zone zone, out double? meridian)
    {
        zone = Vn2000.Zone.Utm48;
        meridian = null;
        if (text is null) return new("VN-2000 X/Y need the zone: UTM48, UTM49, or TM3 with the central meridian (e.g. TM3 107°45')",
            "X/Y VN-2000 cần múi chiếu: UTM48, UTM49, hoặc TM3 kèm kinh tuyến trục (ví dụ TM3 107°45')");
        var folded = ImportLayers.Fold(text).Replace(" ", "");
        if (folded.Contains("utm48") || folded is "48" or "48n" or "3405") return null;
        if (folded.Contains("utm49") || folded is "49" or "49n" or "3406") { zone = Vn2000.Zone.Utm49; return null; }
        var rest = Regex.Replace(text, "(?i)tm-?3|ktt|kinh tuyến trục|kinh tuyen truc", " ");
        var dm = DegreesMinutes.Match(rest);
        double value;
        if (dm.Success)
            value = double.Parse(dm.Groups[1].Value, CultureInfo.InvariantCulture)
                    + (dm.Groups[2].Success ? double.Parse(dm.Groups[2].Value.Replace(',', '.'), CultureInfo.InvariantCulture) / 60 : 0);
        else if (Decimal.Match(rest) is { Success: true } d) value = double.Parse(d.Groups[1].Value.Replace(',', '.'), CultureInfo.InvariantCulture);
        else return new($"'{text}' is not a VN-2000 zone (UTM48, UTM49 or TM3 with a central meridian)", $"'{text}' không phải múi chiếu VN-2000 (UTM48, UTM49 hoặc TM3 kèm kinh tuyến trục)");
        if (value is < 102 or > 118) return new($"central meridian {value:0.###}° is not in Vietnam (102°–118°)", $"kinh tuyến trục {value:0.###}° không thuộc Việt Nam (102°–118°)");
        zone = Vn2000.Zone.Tm3;
        meridian = value;
        return null;
    }

    // ---- database lookups ----

    static async Task<IReadOnlyDictionary<string, string>> LoadSkillsAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        var map = new Dictionary<string, string>();
        await using var r = await conn.Command("SELECT code, label_vi, label_en FROM skills").ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            for (var i = 0; i < 3; i++) map.TryAdd(ImportLayers.Fold(r.GetString(i)), r.GetString(0));
        return map;
    }

    sealed record Unit(long Id, string Code, string Level, string? Parent, string[] Keys, bool InForce, DateOnly From);

    static readonly string[] Prefixes = ["thanh pho", "thi tran", "thi xa", "dac khu", "tinh", "huyen", "quan", "phuong", "xa", "tp", "tx", "tt"];

    /// <summary>A folded name with and without its administrative prefix ("Huyện Nam Trà My" → "huyen nam tra my", "nam tra my").</summary>
    static string[] NameKeys(string name)
    {
        var folded = ImportLayers.Fold(name);
        var prefix = Prefixes.FirstOrDefault(p => folded.StartsWith(p + " ", StringComparison.Ordinal));
        return prefix is null ? [folded] : [folded, folded[(prefix.Length + 1)..]];
    }

    /// <summary>Rows located only by commune/district/province names: the named unit's point on surface, flagged approximate.</summary>
    static async Task ResolveAdminNamesAsync(NpgsqlConnection conn, List<RowResult> rows, List<ImportError> errors, CancellationToken ct)
    {
        var pending = rows.Where(r => r.AdminName is not null && !r.Bad).ToList();
        if (pending.Count == 0) return;
        var units = new List<Unit>();
        await using (var r = await conn.Command("""
            SELECT id, code, level, parent_code, name, valid_from <= rm_today() AND (valid_to IS NULL OR valid_to > rm_today()), valid_from
            FROM admin_units WHERE level <> 'country'
            """).ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                units.Add(new Unit(r.GetInt64(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), NameKeys(r.GetString(4)),
                    r.GetBoolean(5), r.GetFieldValue<DateOnly>(6)));

        List<Unit>? Match(string? name, string level, Func<Unit, bool> parentOk)
        {
            if (name is null) return null;
            var keys = NameKeys(name);
            return units.Where(u => u.Level == level && u.Keys.Intersect(keys).Any() && parentOk(u)).ToList();
        }

        var chosen = new Dictionary<RowResult, long>();
        foreach (var group in pending.GroupBy(r => r.AdminName!.Value))
        {
            var (commune, district, province) = group.Key;
            var provinces = Match(province, "province", _ => true);
            var provinceCodes = provinces?.Select(p => p.Code).ToHashSet();
            var districts = Match(district, "district", u => provinceCodes is null || u.Parent is not null && provinceCodes.Contains(u.Parent));
            var districtCodes = districts?.Select(d => d.Code).ToHashSet();
            var communes = Match(commune, "commune", u => u.Parent is not null
                && (districtCodes is not null ? districtCodes.Contains(u.Parent)
                    : provinceCodes is null || provinceCodes.Contains(u.Parent)
                      || units.Any(d => d.Level == "district" && d.Code == u.Parent && d.Parent is not null && provinceCodes.Contains(d.Parent))));
            (string Column, string? Name, List<Unit>? Found, string En, string Vi)[] levels =
            [
                (ImportLayers.Commune, commune, communes, "commune", "xã/phường"),
                (ImportLayers.District, district, districts, "district", "quận/huyện"),
                (ImportLayers.Province, province, provinces, "province", "tỉnh/thành phố"),
            ];
            var failed = levels.FirstOrDefault(l => l.Name is not null && l.Found!.Count == 0);
            if (failed.Name is not null)
            {
                foreach (var row in group)
                    Fail(row, errors, ImportLayers.Common.First(f => f.Column == failed.Column).HeaderVi, failed.Name,
                        $"no {failed.En} named '{failed.Name}'{(failed.Column == ImportLayers.Province ? "" : " in the given district/province")}",
                        $"không tìm thấy {failed.Vi} '{failed.Name}'{(failed.Column == ImportLayers.Province ? "" : " trong huyện/tỉnh đã cho")}");
                continue;
            }
            var lowest = levels.First(l => l.Name is not null);
            var codes = lowest.Found!.GroupBy(u => u.Code).ToList();
            if (codes.Count > 1)
            {
                foreach (var row in group)
                    Fail(row, errors, ImportLayers.Common.First(f => f.Column == lowest.Column).HeaderVi, lowest.Name,
                        $"{codes.Count} {lowest.En} units are named '{lowest.Name}': add the district or province",
                        $"có {codes.Count} {lowest.Vi} tên '{lowest.Name}': hãy ghi thêm huyện hoặc tỉnh");
                continue;
            }
            var unit = codes[0].OrderByDescending(u => u.InForce).ThenByDescending(u => u.From).First();
            foreach (var row in group) chosen[row] = unit.Id;
        }
        if (chosen.Count == 0) return;
        var points = new Dictionary<long, (double Lon, double Lat)>();
        await using (var r = await conn.Command("SELECT id, ST_X(p), ST_Y(p) FROM (SELECT id, ST_PointOnSurface(geom) p FROM admin_units WHERE id = ANY(@ids)) s",
            ("ids", chosen.Values.Distinct().ToArray())).ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) points[r.GetInt64(0)] = (r.GetDouble(1), r.GetDouble(2));
        foreach (var (row, id) in chosen) (row.Lon, row.Lat) = (Math.Round(points[id].Lon, 7), Math.Round(points[id].Lat, 7));
    }

    static async Task CheckScopeAsync(NpgsqlConnection conn, List<RowResult> rows, string scope, List<ImportError> errors, CancellationToken ct)
    {
        var located = rows.Where(r => r.Lon is not null && !r.Bad).ToList();
        if (located.Count == 0) return;
        await using var r = await conn.Command("""
            SELECT i::int FROM unnest(@lons::float8[], @lats::float8[]) WITH ORDINALITY AS p(lon, lat, i)
            WHERE NOT EXISTS (SELECT 1 FROM admin_units a WHERE a.id = rm_admin_unit_version(@scope, rm_today())
                              AND ST_Intersects(a.geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)))
            """, ("lons", located.Select(x => x.Lon!.Value).ToArray()), ("lats", located.Select(x => x.Lat!.Value).ToArray()), ("scope", scope))
            .ExecuteReaderAsync(ct);
        var outside = new List<int>();
        while (await r.ReadAsync(ct)) outside.Add(r.GetInt32(0));
        foreach (var i in outside)
            Fail(located[i - 1], errors, "", null, $"the location lies outside your admin unit {scope}", $"vị trí nằm ngoài đơn vị hành chính {scope} của bạn");
    }

    /// <summary>A marker number is unique per neighbour country: one held by a record with another external id is a row error.</summary>
    static async Task CheckMarkerNumbersAsync(NpgsqlConnection conn, List<RowResult> rows, Columns columns, List<ImportError> errors, CancellationToken ct)
    {
        var candidates = rows.Where(r => !r.Bad && r.Values["marker_number"] is not null && r.Values["neighbour_country"] is not null).ToList();
        var taken = new Dictionary<(string, string), string?>();
        await using (var r = await conn.Command("""
            SELECT neighbour_country, marker_number, external_id FROM border_markers
            WHERE (neighbour_country, marker_number) IN (SELECT * FROM unnest(@countries::text[], @numbers::text[]))
            """, ("countries", candidates.Select(c => c.Values["neighbour_country"]!.GetValue<string>()).ToArray()),
                 ("numbers", candidates.Select(c => c.Values["marker_number"]!.GetValue<string>()).ToArray())).ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) taken[(r.GetString(0), r.GetString(1))] = r.IsDBNull(2) ? null : r.GetString(2);
        var inFile = new Dictionary<(string, string), int>();
        foreach (var row in candidates)
        {
            var key = (row.Values["neighbour_country"]!.GetValue<string>(), row.Values["marker_number"]!.GetValue<string>());
            if (taken.TryGetValue(key, out var owner) && owner != row.ExternalId)
                Fail(row, errors, columns["marker_number"], key.Item2, $"marker {key.Item2} ({key.Item1}) already exists{(owner is null ? "" : $" as {owner}")}",
                    $"mốc {key.Item2} ({key.Item1}) đã có{(owner is null ? "" : $" với mã {owner}")}");
            else if (!inFile.TryAdd(key, row.Raw.Row))
                Fail(row, errors, columns["marker_number"], key.Item2, $"marker {key.Item2} repeats row {inFile[key]}", $"mốc {key.Item2} trùng với dòng {inFile[key]}");
        }
    }

    // ---- writing ----

    /// <summary>
    /// Insert: the file's columns plus the defaults of fields it lacks (a new record needs them);
    /// update: only what the file holds, so a column left out of a re-import keeps its stored value.
    /// </summary>
    static (List<string> Insert, List<string> Update) UpsertColumns(ImportLayer layer, Columns columns, string format)
    {
        var list = new List<string> { ImportLayers.ExternalId };
        list.AddRange(layer.Fields.Where(f => columns.ContainsKey(f.Column)).Select(f => f.Column));
        list.AddRange(["location_approximate", "geom", "source_id", "is_sample"]);
        if (layer.AreaColumn is not null && format is "geojson" or "kml" or "kmz" or "shapefile") list.Add(layer.AreaColumn);
        var insert = list.Concat(layer.Fields.Where(f => !columns.ContainsKey(f.Column) && f.Default is not null).Select(f => f.Column)).ToList();
        if (layer.Id == "needs") insert.Add("created_by");
        return (insert, list);
    }

    JsonObject RowJson(ImportLayer layer, RowResult r, Importing who)
    {
        var o = new JsonObject { [ImportLayers.ExternalId] = r.ExternalId };
        foreach (var f in layer.Fields.Where(f => f.Default is not null)) o[f.Column] = JsonSerializer.SerializeToNode(f.Default);
        foreach (var (k, v) in r.Values) o[k] = v?.DeepClone();
        o["location_approximate"] = r.Approximate;
        o["geom"] = GeometryRules.ToEwkbHex(GeometryRules.MakePoint(r.Lon!.Value, r.Lat!.Value));
        if (layer.AreaColumn is not null) o[layer.AreaColumn] = r.Area is null ? null : GeometryRules.ToEwkbHex(r.Area);
        o["source_id"] = RegistryQueries.ImportSource;
        o["is_sample"] = false;
        if (layer.Id == "needs") o["created_by"] = who.Username;
        return o;
    }

    /// <summary>Upsert by external id; a row equal to the stored record is not touched (so re-importing changes nothing).</summary>
    static string UpsertSql(ImportLayer layer, (List<string> Insert, List<string> Update) columnSets)
    {
        // Column names come from ImportLayers (fixed), never from the file.
        var (insertColumns, columns) = columnSets;
        var list = string.Join(", ", insertColumns);
        var updatable = columns.Where(c => c != ImportLayers.ExternalId).ToList();
        var set = string.Join(", ", updatable.Select(c => $"{c} = EXCLUDED.{c}")) + ", admin_code = EXCLUDED.admin_code"
                  + (layer.HasUpdatedAt ? ", updated_at = now()" : "");
        var compare = $"({string.Join(", ", updatable.Select(c => $"t.{c}"))}, t.admin_code) IS DISTINCT FROM ({string.Join(", ", updatable.Select(c => $"EXCLUDED.{c}"))}, EXCLUDED.admin_code)";
        return $"""
            INSERT INTO {layer.Table} AS t ({list}, admin_code)
            SELECT {string.Join(", ", insertColumns.Select(c => $"r.{c}"))}, rm_lowest_admin_code(r.geom, rm_today())
            FROM jsonb_populate_recordset(NULL::{layer.Table}, @rows::jsonb) r
            ON CONFLICT (external_id) DO UPDATE SET {set}
            WHERE {compare}
            RETURNING t.id, (t.xmax::text = '0')
            """;
    }

    static async Task WriteHistoryAsync(NpgsqlConnection conn, ImportLayer layer, List<(long Id, bool Inserted)> changed, long importId,
        string fileName, Importing who, CancellationToken ct)
    {
        if (changed.Count == 0) return;
        var ids = changed.Select(c => c.Id).ToArray();
        var inserted = changed.Select(c => c.Inserted).ToArray();
        if (layer.Id == "teams")
            await conn.Command("""
                INSERT INTO team_history (team_id, action, changed_by, changes)
                SELECT id, 'imported', @who, jsonb_build_object('import_id', @import_id, 'file', @file, 'inserted', ins)
                FROM unnest(@ids::bigint[], @inserted::boolean[]) AS c(id, ins)
                """, ("who", who.Username), ("import_id", importId), ("file", fileName), ("ids", ids), ("inserted", inserted)).ExecuteNonQueryAsync(ct);
        if (layer.Id == "activities")
            await conn.Command("""
                INSERT INTO activity_transitions (activity_id, from_status, to_status, note, by_user)
                SELECT id, NULL, a.status, 'imported (import ' || @import_id || ')', (SELECT u.id FROM users u WHERE u.username = @who)
                FROM unnest(@ids::bigint[], @inserted::boolean[]) AS c(id, ins) JOIN activities a USING (id) WHERE ins
                """, ("who", who.Username), ("import_id", importId), ("ids", ids), ("inserted", inserted)).ExecuteNonQueryAsync(ct);
        if (layer.Id == "needs")
            await conn.Command("""
                INSERT INTO need_status_history (need_id, from_status, to_status, changed_by, note)
                SELECT id, NULL, n.status, @who, 'imported (import ' || @import_id || ')'
                FROM unnest(@ids::bigint[], @inserted::boolean[]) AS c(id, ins) JOIN needs n USING (id) WHERE ins
                """, ("who", who.Username), ("import_id", importId), ("ids", ids), ("inserted", inserted)).ExecuteNonQueryAsync(ct);
    }

    async Task<ImportRecord> SaveReportAsync(ImportLayer layer, string fileName, string format, bool dryRun, string status, int total,
        List<ImportError> errors, (int Inserted, int Updated, int Unchanged) counts, List<string> ignored, List<RowResult> rows, Importing who, CancellationToken ct)
    {
        var report = new JsonObject
        {
            ["ignored_columns"] = JsonSerializer.SerializeToNode(ignored, ApiJson.Options),
            ["errors"] = JsonSerializer.SerializeToNode(errors, ApiJson.Options),
            ["preview"] = JsonSerializer.SerializeToNode(Preview(rows), ApiJson.Options),
        };
        var record = new ImportRecord
        {
            Layer = layer.Id, FileName = Path.GetFileName(fileName).Length > 200 ? Path.GetFileName(fileName)[..200] : Path.GetFileName(fileName),
            Format = format, DryRun = dryRun, Status = status, TotalRows = total,
            ErrorCount = errors.Count, Inserted = counts.Inserted, Updated = counts.Updated, Unchanged = counts.Unchanged,
            Report = report.ToJsonString(), CreatedBy = who.Username, CreatedAt = DateTimeOffset.UtcNow,
        };
        ef.Imports.Add(record);
        await ef.SaveChangesAsync(ct);
        return record;
    }

    static List<PreviewRow> Preview(List<RowResult> rows) => rows.Where(r => r.Lon is not null && !r.Bad).Take(MaxPreviewRows)
        .Select(r => new PreviewRow(r.Raw.Row, r.ExternalId ?? "", r.Label, r.Lon!.Value, r.Lat!.Value, r.Approximate)).ToList();

    public static ImportReport ToReport(ImportRecord record, IReadOnlyList<ImportError> errors, IReadOnlyList<string> ignored, IReadOnlyList<PreviewRow> preview)
    {
        var (en, vi) = record.Status switch
        {
            "committed" => ($"Imported: {record.Inserted} new, {record.Updated} updated, {record.Unchanged} unchanged.",
                            $"Đã nhập: {record.Inserted} mới, {record.Updated} cập nhật, {record.Unchanged} không đổi."),
            "valid" => ($"Dry run: every row is valid; a commit would add {record.Inserted}, update {record.Updated} and leave {record.Unchanged} unchanged. Nothing was written.",
                        $"Chạy thử: mọi dòng hợp lệ; khi nhập sẽ thêm {record.Inserted}, cập nhật {record.Updated}, giữ nguyên {record.Unchanged}. Chưa ghi gì."),
            _ => ($"{record.ErrorCount} problem(s) found; nothing was written. Fix the rows listed and try again.",
                  $"Có {record.ErrorCount} lỗi; chưa ghi gì. Hãy sửa các dòng được liệt kê rồi thử lại."),
        };
        return new ImportReport(record.Id, record.Layer, record.FileName, record.Format, record.DryRun, record.Status, record.TotalRows,
            record.ErrorCount, record.Inserted, record.Updated, record.Unchanged, ignored, errors, preview, en, vi);
    }

    ImportReport ToReport(ImportRecord record, List<ImportError> errors, List<string> ignored, List<RowResult> rows) =>
        ToReport(record, errors, ignored, Preview(rows));

    /// <summary>A stored report as the API returns it.</summary>
    public static ImportReport FromRecord(ImportRecord record)
    {
        var report = JsonNode.Parse(record.Report)!;
        return ToReport(record,
            report["errors"].Deserialize<List<ImportError>>(ApiJson.Options) ?? [],
            report["ignored_columns"].Deserialize<List<string>>(ApiJson.Options) ?? [],
            report["preview"].Deserialize<List<PreviewRow>>(ApiJson.Options) ?? []);
    }
}
