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
        catch (JsonException e)
        {
            var where = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $" at {e.Path.TrimStart('$', '.')}";
            return (null, $"The JSON body is not valid{where}: {FirstSentence(e.Message)}");
        }
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
        catch (JsonException e) { return (null, $"The JSON body is not valid: {FirstSentence(e.Message)}"); }
        // JsonObject refuses a property named twice with ArgumentException, not JsonException.
        catch (ArgumentException) { return (null, "The JSON body names a property more than once."); }
    }

    static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return cut > 0 ? message[..(cut + 1)] : message;
    }
}
