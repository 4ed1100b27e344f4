using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using MiniExcelLibs;
using NetTopologySuite.Geometries;

namespace ResourceMap.Api.Import;

/// <summary>One record of an import file: its row number as the user sees it, its cells by header, and any geometry it carried.</summary>
public sealed record RawRow(int Row, IReadOnlyDictionary<string, object?> Cells, Geometry? Geometry, string? GeometryError = null);

public sealed record RawTable(string Format, IReadOnlyList<string> Headers, IReadOnlyList<RawRow> Rows);

/// <summary>A file the importer cannot read at all (wrong format, encoding, structure), in English and Vietnamese.</summary>
public sealed class ImportFileException(string en, string vi) : Exception(en)
{
    public string Vi { get; } = vi;
}

/// <summary>Reads XLSX, CSV (UTF-8 / UTF-16 with BOM), GeoJSON, KML/KMZ and zipped Shapefiles into rows.</summary>
public static class ImportReader
{
    public static string? FormatOf(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".xlsx" => "xlsx",
        ".csv" or ".txt" => "csv",
        ".geojson" or ".json" => "geojson",
        ".kml" => "kml",
        ".kmz" => "kmz",
        ".zip" => "shapefile",
        _ => null,
    };

    public static RawTable Read(string fileName, byte[] content, long maxBytes)
    {
        var format = FormatOf(fileName) ?? throw new ImportFileException(
            $"'{Path.GetFileName(fileName)}' is not a supported file: use .xlsx, .csv, .geojson, .kml, .kmz or a .zip holding a Shapefile.",
            $"Tệp '{Path.GetFileName(fileName)}' không được hỗ trợ: dùng .xlsx, .csv, .geojson, .kml, .kmz hoặc .zip chứa Shapefile.");
        try
        {
            return format switch
            {
                "xlsx" => ReadXlsx(content),
                "csv" => ReadCsv(content),
                "geojson" => ReadGeoJson(content),
                "kml" => ReadKml(content, "kml"),
                "kmz" => ReadKmz(content, maxBytes),
                _ => ReadShapefileZip(content, maxBytes),
            };
        }
        catch (ImportFileException) { throw; }
        catch (Exception e) when (e is InvalidDataException or XmlException or JsonException or FormatException or InvalidOperationException
                                      or ArgumentException or IOException or NotSupportedException or IndexOutOfRangeException)
        {
            throw new ImportFileException($"The file could not be read as {format}: {e.Message}", $"Không đọc được tệp dạng {format}: {e.Message}");
        }
    }

    static RawTable ReadXlsx(byte[] content)
    {
        using var stream = new MemoryStream(content);
        var rows = new List<RawRow>();
        var headers = new List<string>();
        var n = 1;
        foreach (IDictionary<string, object?> record in MiniExcel.Query(stream, useHeaderRow: true, excelType: ExcelType.XLSX))
        {
            n++;
            if (headers.Count == 0) headers.AddRange(record.Keys);
            if (record.Values.All(v => v is null || v is string { Length: 0 } || (v is string s && string.IsNullOrWhiteSpace(s)))) continue;
            rows.Add(new RawRow(n, new Dictionary<string, object?>(record), null));
        }
        return new RawTable("xlsx", headers, rows);
    }

    /// <summary>Excel saves CSV as UTF-8 (with or without BOM) or UTF-16 with BOM ("Unicode text"); anything else is refused.</summary>
    public static string DecodeCsv(byte[] content)
    {
        if (content.Length >= 3 && content[0] == 0xEF && content[1] == 0xBB && content[2] == 0xBF)
            return Strict(new UTF8Encoding(false, true), content, 3);
        if (content.Length >= 2 && content[0] == 0xFF && content[1] == 0xFE) return Strict(new UnicodeEncoding(false, false, true), content, 2);
        if (content.Length >= 2 && content[0] == 0xFE && content[1] == 0xFF) return Strict(new UnicodeEncoding(true, false, true), content, 2);
        if (content.Length >= 4 && content.Take(Math.Min(content.Length, 200)).Count(b => b == 0) > content.Length / 8)
            throw new ImportFileException("The CSV looks like UTF-16 without a byte-order mark; save it again as 'CSV UTF-8' or 'Unicode Text'.",
                "Tệp CSV có vẻ là UTF-16 nhưng thiếu BOM; hãy lưu lại dạng 'CSV UTF-8' hoặc 'Unicode Text'.");
        return Strict(new UTF8Encoding(false, true), content, 0);

        static string Strict(Encoding encoding, byte[] bytes, int offset)
        {
            try { return encoding.GetString(bytes, offset, bytes.Length - offset); }
            catch (DecoderFallbackException)
            {
                throw new ImportFileException(
                    "The CSV is not UTF-8 or UTF-16 (it may be Windows-1258 or TCVN3/VNI): save it from Excel as 'CSV UTF-8 (Comma delimited)'.",
                    "Tệp CSV không phải UTF-8 hay UTF-16 (có thể là Windows-1258 hoặc TCVN3/VNI): hãy lưu lại từ Excel dạng 'CSV UTF-8 (Comma delimited)'.");
            }
        }
    }

    static RawTable ReadCsv(byte[] content)
    {
        var text = DecodeCsv(content);
        var records = ParseCsv(text);
        if (records.Count == 0) return new RawTable("csv", [], []);
        var headers = records[0].Select(h => h.Trim()).ToList();
        var rows = new List<RawRow>();
        for (var i = 1; i < records.Count; i++)
        {
            var fields = records[i];
            if (fields.All(string.IsNullOrWhiteSpace)) continue;
            var cells = new Dictionary<string, object?>();
            for (var c = 0; c < headers.Count; c++)
                cells[headers[c]] = c < fields.Count ? fields[c] : null;
            if (fields.Count > headers.Count && fields.Skip(headers.Count).Any(f => !string.IsNullOrWhiteSpace(f)))
                cells["\u0001extra"] = fields.Count;
            rows.Add(new RawRow(i + 1, cells, null));
        }
        return new RawTable("csv", headers, rows);
    }

    /// <summary>RFC 4180 with the delimiter Excel used (comma, semicolon in Vietnamese locales, or tab).</summary>
    public static List<List<string>> ParseCsv(string text)
    {
        var firstLine = text.Split('\n', 2)[0];
        var delimiter = new[] { ',', ';', '\t' }.OrderByDescending(d => firstLine.Count(c => c == d)).First();
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (ch == '"') quoted = false;
                else field.Append(ch);
            }
            else if (ch == '"' && field.Length == 0) quoted = true;
            else if (ch == delimiter) { record.Add(field.ToString()); field.Clear(); }
            else if (ch is '\r' or '\n')
            {
                if (ch == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                record.Add(field.ToString()); field.Clear();
                records.Add(record); record = [];
            }
            else field.Append(ch);
        }
        if (field.Length > 0 || record.Count > 0) { record.Add(field.ToString()); records.Add(record); }
        return records;
    }

    static RawTable ReadGeoJson(byte[] content)
    {
        using var doc = JsonDocument.Parse(content);
        var root = doc.RootElement;
        IEnumerable<JsonElement> features = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type", out var t) && t.GetString() == "FeatureCollection"
            && root.TryGetProperty("features", out var f) && f.ValueKind == JsonValueKind.Array
            ? f.EnumerateArray()
            : throw new ImportFileException("The file is not a GeoJSON FeatureCollection.", "Tệp không phải là GeoJSON FeatureCollection.");
        var rows = new List<RawRow>();
        var headers = new List<string>();
        var n = 0;
        foreach (var feature in features)
        {
            n++;
            var cells = new Dictionary<string, object?>();
            if (feature.TryGetProperty("properties", out var props) && props.ValueKind == JsonValueKind.Object)
                foreach (var p in props.EnumerateObject())
                {
                    if (!headers.Contains(p.Name)) headers.Add(p.Name);
                    cells[p.Name] = p.Value.ValueKind switch
                    {
                        JsonValueKind.String => p.Value.GetString(),
                        JsonValueKind.Number => p.Value.GetDouble(),
                        JsonValueKind.True => true,
                        JsonValueKind.False => false,
                        JsonValueKind.Array => string.Join("; ", p.Value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText())),
                        JsonValueKind.Null => null,
                        _ => p.Value.GetRawText(),
                    };
                }
            Geometry? geometry = null;
            string? geometryError = null;
            if (feature.TryGetProperty("geometry", out var g) && g.ValueKind == JsonValueKind.Object)
            {
                try { geometry = GeometryRules.ParseGeoJson(g.GetRawText()); }
                catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException or NotSupportedException or FormatException)
                { geometryError = "the geometry is not valid GeoJSON"; }
            }
            rows.Add(new RawRow(n, cells, geometry, geometryError));
        }
        return new RawTable("geojson", headers, rows);
    }

    static RawTable ReadKmz(byte[] content, long maxBytes)
    {
        using var zip = new ZipArchive(new MemoryStream(content), ZipArchiveMode.Read);
        var entry = zip.Entries.FirstOrDefault(e => e.FullName.Equals("doc.kml", StringComparison.OrdinalIgnoreCase))
                    ?? zip.Entries.FirstOrDefault(e => e.FullName.EndsWith(".kml", StringComparison.OrdinalIgnoreCase))
                    ?? throw new ImportFileException("The KMZ holds no .kml file.", "Tệp KMZ không chứa tệp .kml.");
        var table = ReadKml(ReadEntry(entry, maxBytes), "kmz");
        return table;
    }

    static byte[] ReadEntry(ZipArchiveEntry entry, long maxBytes)
    {
        if (entry.Length > maxBytes * 4)
            throw new ImportFileException($"{entry.Name} is too large once unzipped.", $"{entry.Name} quá lớn sau khi giải nén.");
        using var s = entry.Open();
        using var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }

    /// <summary>Placemarks: name, description, ExtendedData (Data/value and SchemaData/SimpleData), Point/Polygon/MultiGeometry.</summary>
    static RawTable ReadKml(byte[] content, string format)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        using var reader = XmlReader.Create(new MemoryStream(content), settings);
        var doc = XDocument.Load(reader);
        var rows = new List<RawRow>();
        var headers = new List<string>();
        var n = 0;
        foreach (var placemark in doc.Descendants().Where(e => e.Name.LocalName == "Placemark"))
        {
            n++;
            var cells = new Dictionary<string, object?>();
            void Put(string key, string? value)
            {
                if (!headers.Contains(key)) headers.Add(key);
                cells[key] = value?.Trim();
            }
            if (Child(placemark, "name") is { } name) Put("name", name.Value);
            foreach (var data in placemark.Descendants().Where(e => e.Name.LocalName == "Data"))
                if (data.Attribute("name")?.Value is { } key) Put(key, Child(data, "value")?.Value);
            foreach (var data in placemark.Descendants().Where(e => e.Name.LocalName == "SimpleData"))
                if (data.Attribute("name")?.Value is { } key) Put(key, data.Value);
            Geometry? geometry = null;
            string? error = null;
            try { geometry = KmlGeometry(placemark); }
            catch (FormatException e) { error = e.Message; }
            rows.Add(new RawRow(n, cells, geometry, error));
        }
        return new RawTable(format, headers, rows);
    }

    static XElement? Child(XElement e, string localName) => e.Elements().FirstOrDefault(c => c.Name.LocalName == localName);

    static Geometry? KmlGeometry(XElement placemark)
    {
        var parts = new List<Geometry>();
        foreach (var e in placemark.Descendants())
        {
            switch (e.Name.LocalName)
            {
                case "Point" when Child(e, "coordinates") is { } c:
                    parts.Add(GeometryRules.Factory.CreatePoint(Coordinates(c.Value)[0]));
                    break;
                case "Polygon":
                    var outer = e.Descendants().FirstOrDefault(d => d.Name.LocalName == "outerBoundaryIs")?.Descendants().FirstOrDefault(d => d.Name.LocalName == "coordinates");
                    if (outer is null) throw new FormatException("a KML Polygon without an outer boundary");
                    var holes = e.Descendants().Where(d => d.Name.LocalName == "innerBoundaryIs")
                        .Select(i => i.Descendants().First(d => d.Name.LocalName == "coordinates"))
                        .Select(c => GeometryRules.Factory.CreateLinearRing(Close(Coordinates(c.Value)))).ToArray();
                    parts.Add(GeometryRules.Factory.CreatePolygon(GeometryRules.Factory.CreateLinearRing(Close(Coordinates(outer.Value))), holes));
                    break;
            }
        }
        if (parts.Count == 0) return null;
        if (parts.Count == 1) return parts[0];
        return parts.All(p => p is Polygon)
            ? GeometryRules.Factory.CreateMultiPolygon(parts.Cast<Polygon>().ToArray())
            : GeometryRules.Factory.CreateGeometryCollection(parts.ToArray());
    }

    static Coordinate[] Close(Coordinate[] ring)
    {
        if (ring.Length < 3) throw new FormatException("a KML ring needs at least three points");
        return ring[0].Equals2D(ring[^1]) ? ring : [.. ring, ring[0]];
    }

    static Coordinate[] Coordinates(string text)
    {
        var list = new List<Coordinate>();
        foreach (var tuple in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var p = tuple.Split(',');
            if (p.Length < 2 || !double.TryParse(p[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var lon)
                || !double.TryParse(p[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var lat))
                throw new FormatException($"KML coordinates '{tuple}' are not lon,lat");
            list.Add(new Coordinate(lon, lat));
        }
        if (list.Count == 0) throw new FormatException("empty KML coordinates");
        return list.ToArray();
    }

    static RawTable ReadShapefileZip(byte[] content, long maxBytes)
    {
        var dir = Directory.CreateTempSubdirectory("rm-import-");
        try
        {
            using (var zip = new ZipArchive(new MemoryStream(content), ZipArchiveMode.Read))
            {
                var shp = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith(".shp", StringComparison.OrdinalIgnoreCase))
                          ?? throw new ImportFileException("The .zip holds no Shapefile (.shp).", "Tệp .zip không chứa Shapefile (.shp).");
                var stem = shp.FullName[..^4];
                foreach (var entry in zip.Entries.Where(e => e.FullName.StartsWith(stem + ".", StringComparison.OrdinalIgnoreCase)))
                {
                    // Only the file name: a path inside the zip never decides where a file is written.
                    var target = Path.Combine(dir.FullName, "layer" + Path.GetExtension(entry.Name).ToLowerInvariant());
                    File.WriteAllBytes(target, ReadEntry(entry, maxBytes));
                }
            }
            var prj = Path.Combine(dir.FullName, "layer.prj");
            if (File.Exists(prj) && File.ReadAllText(prj).TrimStart().StartsWith("PROJCS", StringComparison.OrdinalIgnoreCase))
                throw new ImportFileException("The Shapefile is in a projected system; export it in WGS 84 (EPSG:4326) longitude/latitude.",
                    "Shapefile đang ở hệ tọa độ phẳng; hãy xuất lại theo WGS 84 (EPSG:4326) kinh độ/vĩ độ.");
            var rows = new List<RawRow>();
            var headers = new List<string>();
            var n = 0;
            foreach (var feature in NetTopologySuite.IO.Esri.Shapefile.ReadAllFeatures(Path.Combine(dir.FullName, "layer.shp")))
            {
                n++;
                var cells = new Dictionary<string, object?>();
                foreach (var name in feature.Attributes.GetNames())
                {
                    if (!headers.Contains(name)) headers.Add(name);
                    cells[name] = feature.Attributes[name] switch { string s => s.Trim(), var v => v };
                }
                rows.Add(new RawRow(n, cells, feature.Geometry));
            }
            return new RawTable("shapefile", headers, rows);
        }
        finally { dir.Delete(true); }
    }
}
