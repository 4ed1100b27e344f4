using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace ResourceMap.Api.Infrastructure;

/// <summary>
/// The API speaks one JSON casing everywhere: snake_case (team_id, distance_m), like the GeoJSON
/// properties PostGIS renders. The only camelCase members are OGC API – Features' own
/// <c>numberMatched</c>/<c>numberReturned</c> on feature collections, whose names the standard fixes.
/// </summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = Apply(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>Sets the API's conventions on <paramref name="options"/> (also used for the framework's own JSON results).</summary>
    public static JsonSerializerOptions Apply(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        options.AllowDuplicateProperties = false; // {"role":"x","role":"coordinator"} is refused, not "last wins"
        return options;
    }

    public static IResult Ok<T>(T value) => TypedResults.Json(value, Options);

    /// <summary>Reads a JSON body; a malformed body, an unknown property or a wrong type becomes a message for a 400 problem.</summary>
    public static async Task<(T? Value, string? Error)> ReadAsync<T>(HttpRequest request, CancellationToken ct) where T : class
    {
        if (request.ContentLength > ApiLimits.Current.MaxJsonBodyBytes) return (null, $"The body may be at most {ApiLimits.Current.MaxJsonBodyBytes / 1024} KB.");
        if (request.HasJsonContentType() is false) return (null, "Send a JSON body with Content-Type: application/json.");
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(request.Body, Options, ct);
            return value is null ? (null, "The body must be a JSON object.") : (value, null);
        }
        catch (JsonException e) { return (null, Explain<T>(e)); }
    }

    /// <summary>What was wrong with a body, in the client's terms: the field as they wrote it, never a .NET type name.</summary>
    static string Explain<T>(JsonException e)
    {
        var path = string.IsNullOrEmpty(e.Path) ? "" : e.Path.TrimStart('$').TrimStart('.');
        if (e.Message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase))
            return path.Length > 0 ? $"The body names '{path}' more than once." : "The body names a property more than once.";
        if (e.Message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
            return $"'{path}' is not a field this request accepts.";
        if (e.LineNumber is null && e.BytePositionInLine is null || e.Message.Contains("could not be converted", StringComparison.Ordinal))
        {
            if (path.Length == 0) return "The body must be a JSON object.";
            var member = typeof(T).GetProperties().FirstOrDefault(p =>
                JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name) == path.Split('.', '[')[0]);
            return member is null ? $"{path} has a value of the wrong type." : $"{path} must be {Expected(member.PropertyType)}.";
        }
        return $"The body is not valid JSON (line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}).";
    }

    static string Expected(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(int) || type == typeof(long) || type == typeof(short)) return "a whole number";
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal)) return "a number";
        if (type == typeof(bool)) return "true or false";
        if (type == typeof(DateOnly)) return "a date in the form YYYY-MM-DD";
        if (type == typeof(DateTime) || type == typeof(DateTimeOffset)) return "a date and time (ISO 8601)";
        if (type == typeof(string)) return "text";
        if (type.IsArray || type.IsAssignableTo(typeof(System.Collections.IEnumerable))) return "a list";
        return "an object";
    }

    public static async Task<(JsonObject? Value, string? Error)> ReadObjectAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > ApiLimits.Current.MaxJsonBodyBytes) return (null, $"The body may be at most {ApiLimits.Current.MaxJsonBodyBytes / 1024} KB.");
        if (request.HasJsonContentType() is false) return (null, "Send a JSON body with Content-Type: application/json.");
        try
        {
            if (await JsonNode.ParseAsync(request.Body, cancellationToken: ct) is not JsonObject o) return (null, "The body must be a JSON object.");
            _ = o.Count; // JsonObject builds its dictionary lazily; build it here so a repeated property is caught below
            return (o, null);
        }
        catch (JsonException e) { return (null, $"The body is not valid JSON (line {e.LineNumber + 1}, position {e.BytePositionInLine + 1})."); }
        // JsonObject refuses a property named twice with ArgumentException, not JsonException.
        catch (ArgumentException) { return (null, "The JSON body names a property more than once."); }
    }

}
