using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Hardening;

/// <summary>
/// A battery of malformed requests generated from the OpenAPI document, so an endpoint is covered the day it
/// appears: control characters in every string parameter and every string of every JSON body, NaN/Infinity and
/// text in every number, malformed bodies. Every answer must be a 4xx problem in the client's terms, never a 5xx,
/// and no row may change.
/// </summary>
public sealed partial class MalformedRequestsTests(FixtureApiFactory app, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<FixtureApiFactory>
{
    static readonly string[] BadText = ["a\0b", "\0", "x\u0001y", "\u0085", "z\u007f", "\u009b1"];
    static readonly string[] BadNumbers = ["NaN", "Infinity", "-Infinity", "1e999", "abc", "1,5", "0x10"];

    // .NET names that must never reach a client (binding messages once said "Nullable<DateOnly> date").
    [GeneratedRegex(@"Nullable|System\.|ResourceMap\.Api|Microsoft\.|\bInt32\b|\bInt64\b|\bDouble\b|\bDateOnly\b|\bString\b")]
    private static partial Regex DotNetName();

    sealed record Probe(HttpMethod Method, string Url, string? Body, bool SignedIn, string Why);

    [Fact]
    public async Task Hundreds_of_malformed_requests_get_problem_details_and_change_nothing()
    {
        var anonymous = app.CreateClient();
        var coordinator = await app.LoginAsync("coord1");
        var document = (await (await anonymous.GetAsync("/swagger/v1/swagger.json")).ReadJsonAsync()).AsObject();
        var probes = Generate(document).ToList();
        Assert.True(probes.Count >= 300, $"only {probes.Count} malformed requests generated");

        var before = await TableChecksumsAsync();
        var failures = new List<string>();
        foreach (var probe in probes)
        {
            var request = new HttpRequestMessage(probe.Method, probe.Url);
            if (probe.Body is not null) request.Content = new StringContent(probe.Body, Encoding.UTF8, "application/json");
            var response = await (probe.SignedIn ? coordinator : anonymous).SendAsync(request);
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync();
            var where = $"{probe.Method} {probe.Url} ({probe.Why}{(probe.SignedIn ? ", signed in" : "")}) → {status}";
            if (status is < 400 or >= 500) { failures.Add($"{where}: expected a 4xx; {Shorten(text)}"); continue; }
            if (response.Content.Headers.ContentType?.MediaType != "application/problem+json") { failures.Add($"{where}: not problem+json"); continue; }
            var detail = JsonNode.Parse(text)?["detail"]?.GetValue<string>() ?? "";
            if (DotNetName().IsMatch(detail)) failures.Add($"{where}: names a .NET type: {detail}");
        }
        var after = await TableChecksumsAsync();
        var changed = before.Where(kv => after[kv.Key] != kv.Value).Select(kv => kv.Key).ToList();

        output.WriteLine($"malformed requests: {probes.Count} sent, {failures.Count} mishandled, {changed.Count} tables changed");
        Assert.True(failures.Count == 0, $"{failures.Count} of {probes.Count} malformed requests were mishandled:\n" + string.Join("\n", failures.Take(40)));
        Assert.True(changed.Count == 0, "rejected requests changed tables: " + string.Join(", ", changed));
    }

    IEnumerable<Probe> Generate(JsonObject document)
    {
        var schemas = document["components"]?["schemas"]?.AsObject();
        foreach (var (path, item) in document["paths"]!.AsObject())
        foreach (var (method, operationNode) in item!.AsObject())
        {
            if (operationNode is not JsonObject operation) continue;
            var verb = new HttpMethod(method.ToUpperInvariant());
            var parameters = (operation["parameters"]?.AsArray() ?? []).Select(p => p!.AsObject()).ToList();
            var concretePath = Regex.Replace(path, @"\{(\w+)\}", m => SampleValue(m.Groups[1].Value, parameters));
            var writes = verb != HttpMethod.Get;

            foreach (var parameter in parameters)
            {
                var name = parameter["name"]!.GetValue<string>();
                var location = parameter["in"]!.GetValue<string>();
                var type = parameter["schema"]?["type"]?.GetValue<string>() ?? "string";
                var values = type is "integer" or "number" ? BadNumbers.Concat(BadText.Take(2)) : BadText;
                foreach (var bad in values)
                {
                    var url = location == "path"
                        ? Regex.Replace(path, @"\{(\w+)\}", m => m.Groups[1].Value == name ? Uri.EscapeDataString(bad) : SampleValue(m.Groups[1].Value, parameters))
                        : $"{concretePath}?{Uri.EscapeDataString(name)}={Uri.EscapeDataString(bad)}";
                    if (location is not ("path" or "query")) continue;
                    // %00 in a path never reaches the app: the URL decoder refuses it (KestrelLevelTests covers the real server).
                    if (location == "path" && bad.Contains('\0')) continue;
                    var body = writes ? SampleBody(operation, schemas)?.ToJsonString() : null;
                    yield return new Probe(verb, url, body, writes, $"{name}={Printable(bad)}");
                    if (!writes && bad == BadText[0]) yield return new Probe(verb, url, null, true, $"{name}={Printable(bad)}");
                }
            }

            if (SampleBody(operation, schemas) is not { } sample) continue;
            // Every string leaf of the body, one at a time, carries a control character; every number leaf, text.
            foreach (var (leafPath, kind) in Leaves(sample, ""))
            {
                foreach (var bad in kind == "string" ? BadText.Take(3) : ["NaN", "\"NaN\"", "\"Infinity\""])
                {
                    var body = sample.DeepClone();
                    Replace(body, leafPath, kind == "string" ? JsonValue.Create(bad) : JsonNode.Parse(bad.StartsWith('"') ? bad : $"\"{bad}\""));
                    yield return new Probe(verb, concretePath, body.ToJsonString(), true, $"body {leafPath}={Printable(bad)}");
                }
            }
            foreach (var broken in new[] { "{", "[]", "\"text\"", "{\"a\":1,\"a\":2}", "{\"x\":\"\\u0000\"}", "null", "{\"\\u0000\":1}" })
                yield return new Probe(verb, concretePath, broken, true, $"body {broken}");
        }
    }

    static string SampleValue(string name, List<JsonObject> parameters)
    {
        var type = parameters.FirstOrDefault(p => p["name"]!.GetValue<string>() == name)?["schema"]?["type"]?.GetValue<string>();
        return name switch
        {
            "layer" => "teams",
            "code" => "49",
            "z" => "3",
            "x" or "y" => "1",
            _ when type is "integer" or "number" => "1",
            _ => "1",
        };
    }

    static JsonNode? SampleBody(JsonObject operation, JsonObject? schemas)
    {
        var schema = operation["requestBody"]?["content"]?["application/json"]?["schema"];
        return schema is null ? null : Sample(schema, schemas, 0);
    }

    static JsonNode? Sample(JsonNode schema, JsonObject? schemas, int depth)
    {
        if (depth > 6) return null;
        if (schema["$ref"]?.GetValue<string>() is { } reference)
            return schemas?[reference.Split('/')[^1]] is { } target ? Sample(target, schemas, depth + 1) : new JsonObject();
        var type = schema["type"] switch
        {
            JsonArray types => types.Select(t => t!.GetValue<string>()).FirstOrDefault(t => t != "null"),
            JsonValue v => v.GetValue<string>(),
            _ => schema["properties"] is not null ? "object" : null,
        };
        return type switch
        {
            "object" => new JsonObject((schema["properties"]?.AsObject() ?? [])
                .Select(p => KeyValuePair.Create(p.Key, Sample(p.Value!, schemas, depth + 1)))),
            "array" => new JsonArray(schema["items"] is { } items ? Sample(items, schemas, depth + 1) : JsonValue.Create("x")),
            "integer" => JsonValue.Create(1),
            "number" => JsonValue.Create(1.5),
            "boolean" => JsonValue.Create(true),
            "string" => JsonValue.Create(schema["format"]?.GetValue<string>() == "date" ? "2026-12-01" : "x"),
            _ => JsonValue.Create("x"),
        };
    }

    static IEnumerable<(string Path, string Kind)> Leaves(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o) foreach (var leaf in Leaves(value, path.Length == 0 ? key : $"{path}.{key}")) yield return leaf;
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++) foreach (var leaf in Leaves(a[i], $"{path}[{i}]")) yield return leaf;
                break;
            case JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String:
                yield return (path, "string");
                break;
            case JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.Number:
                yield return (path, "number");
                break;
        }
    }

    static void Replace(JsonNode root, string path, JsonNode? value)
    {
        var parts = Regex.Matches(path, @"[^.\[\]]+|\[\d+\]").Select(m => m.Value).ToList();
        var node = root;
        for (var i = 0; i < parts.Count - 1; i++) node = Step(node, parts[i])!;
        var last = parts[^1];
        if (last.StartsWith('[')) node.AsArray()[int.Parse(last.Trim('[', ']'))] = value;
        else node.AsObject()[last] = value;
    }

    static JsonNode? Step(JsonNode node, string part) =>
        part.StartsWith('[') ? node.AsArray()[int.Parse(part.Trim('[', ']'))] : node.AsObject()[part];

    static string Printable(string text) => string.Concat(text.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));

    static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "…";

    // Tables whose rows a rejected request may legitimately touch: none today. Sign-in bookkeeping would go here.
    static readonly HashSet<string> Volatile = ["schema_migrations"];

    async Task<Dictionary<string, string>> TableChecksumsAsync()
    {
        var result = new Dictionary<string, string>();
        await using var conn = await app.Sql.OpenConnectionAsync();
        var tables = new List<string>();
        await using (var reader = await conn.Command("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").ExecuteReaderAsync())
            while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        foreach (var table in tables.Where(t => !Volatile.Contains(t) && t != "spatial_ref_sys"))
        {
            // Table names come from the catalogue, quoted; nothing here comes from a request.
            var sum = await conn.Command($"SELECT count(*)::text || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM \"{table}\" t").ExecuteScalarAsync();
            result[table] = (string)sum!;
        }
        return result;
    }
}
