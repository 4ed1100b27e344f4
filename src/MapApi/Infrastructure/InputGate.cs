using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace ResourceMap.Api.Infrastructure;

/// <summary>
/// The one input gate every request passes before any handler runs. It refuses, with a 400 problem naming the
/// parameter as the client wrote it: a Host the service does not answer to, control characters (NUL included)
/// in the path, query, route values or any string of a JSON body at any depth, and query or route values that
/// do not parse as the number, date or flag their endpoint declares — NaN and Infinity included. Oversized URLs,
/// header blocks and JSON bodies get 414, 431 and 413 problems. Handlers still check ranges and vocabularies;
/// what they receive is at least text PostgreSQL can store and numbers that compare.
/// </summary>
public sealed class InputGate(RequestDelegate next, ResourceMapOptions options, IProblemDetailsService problems)
{
    readonly HashSet<string> allowedHosts = new(options.AllowedHosts, StringComparer.OrdinalIgnoreCase);

    public async Task InvokeAsync(HttpContext http)
    {
        var request = http.Request;
        var failure = CheckHost(request) ?? CheckSizes(http) ?? CheckQuery(http) ?? CheckRoute(http);
        if (failure is null && IsJsonWrite(request))
            failure = await BufferAndCheckJsonAsync(request, http.RequestAborted);
        if (failure is { } f)
        {
            await WriteAsync(http, f);
            return;
        }
        await next(http);
    }

    readonly record struct Failure(int Status, string Title, string Detail, string? Parameter = null);

    Failure? CheckHost(HttpRequest request)
    {
        if (allowedHosts.Contains("*")) return null;
        var host = request.Host.Host;
        if (host.Length > 0 && (allowedHosts.Contains(host) || options.PublicBaseUrl?.Host.Equals(host, StringComparison.OrdinalIgnoreCase) == true))
            return null;
        return new(StatusCodes.Status400BadRequest, "Unknown host",
            "This service does not answer to that Host name; its operator lists the names it answers to in RESOURCEMAP_ALLOWED_HOSTS.", "Host");
    }

    Failure? CheckSizes(HttpContext http)
    {
        var raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var target = string.IsNullOrEmpty(raw) ? (http.Request.Path + http.Request.QueryString).ToString() : raw;
        if (target.Length > options.Limits.MaxRequestLineBytes)
            return new(StatusCodes.Status414UriTooLong, "Address too long",
                $"The address may be at most {options.Limits.MaxRequestLineBytes} bytes; send fewer or shorter query parameters.");
        long headerBytes = 0;
        foreach (var (name, values) in http.Request.Headers) headerBytes += name.Length + values.Sum(v => v?.Length ?? 0) + 4;
        if (headerBytes > options.Limits.MaxRequestHeadersBytes)
            return new(StatusCodes.Status431RequestHeaderFieldsTooLarge, "Headers too large",
                $"The request headers may total at most {options.Limits.MaxRequestHeadersBytes / 1024} KB.");
        if (FirstControl(http.Request.Path.Value ?? "") is { } c)
            return new(StatusCodes.Status400BadRequest, "Invalid request", $"The address contains a control character ({Describe(c)}).", "path");
        return null;
    }

    static Failure? CheckQuery(HttpContext http)
    {
        var typed = DeclaredParameters(http);
        foreach (var (key, values) in http.Request.Query)
        {
            if (FirstControl(key) is { } k)
                return Invalid($"A query parameter name contains a control character ({Describe(k)}).", "query");
            foreach (var value in values)
            {
                if (value is null) continue;
                if (FirstControl(value) is { } c)
                    return Invalid($"{key} must not contain control characters (found {Describe(c)}).", key);
                if (typed.TryGetValue(key, out var type) && CheckValue(key, value, type) is { } bad) return bad;
            }
        }
        return null;
    }

    static Failure? CheckRoute(HttpContext http)
    {
        var typed = DeclaredParameters(http);
        foreach (var (key, raw) in http.Request.RouteValues)
        {
            if (raw is not string value) continue;
            if (FirstControl(value) is { } c)
                return Invalid($"{key} in the address must not contain control characters (found {Describe(c)}).", key);
            if (typed.TryGetValue(key, out var type) && CheckValue(key, value, type) is { } bad) return bad;
        }
        return null;
    }

    /// <summary>The handler's parameters bound from the query or route whose text must parse as a value type.</summary>
    static Dictionary<string, Type> DeclaredParameters(HttpContext http)
    {
        var result = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase);
        if (http.GetEndpoint()?.Metadata.GetMetadata<MethodInfo>() is not { } method) return result;
        foreach (var parameter in method.GetParameters())
        {
            var type = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
            if (!Describes.ContainsKey(type)) continue;
            if (parameter.GetCustomAttribute<FromBodyAttribute>() is not null || parameter.GetCustomAttribute<FromServicesAttribute>() is not null) continue;
            var name = parameter.GetCustomAttribute<FromQueryAttribute>()?.Name ?? parameter.GetCustomAttribute<FromRouteAttribute>()?.Name ?? parameter.Name;
            if (name is not null) result[name] = type;
        }
        return result;
    }

    static readonly Dictionary<Type, string> Describes = new()
    {
        [typeof(int)] = "a whole number", [typeof(long)] = "a whole number", [typeof(short)] = "a whole number",
        [typeof(double)] = "a finite number", [typeof(float)] = "a finite number", [typeof(decimal)] = "a number",
        [typeof(bool)] = "true or false", [typeof(DateOnly)] = "a date in the form YYYY-MM-DD",
        [typeof(DateTime)] = "a date and time (ISO 8601)", [typeof(DateTimeOffset)] = "a date and time (ISO 8601)",
        [typeof(Guid)] = "an identifier (GUID)",
    };

    static Failure? CheckValue(string name, string value, Type type)
    {
        var inv = CultureInfo.InvariantCulture;
        var ok = type switch
        {
            _ when type == typeof(int) => int.TryParse(value, NumberStyles.Integer, inv, out _),
            _ when type == typeof(long) => long.TryParse(value, NumberStyles.Integer, inv, out _),
            _ when type == typeof(short) => short.TryParse(value, NumberStyles.Integer, inv, out _),
            _ when type == typeof(double) => double.TryParse(value, NumberStyles.Float, inv, out var d) && double.IsFinite(d),
            _ when type == typeof(float) => float.TryParse(value, NumberStyles.Float, inv, out var f) && float.IsFinite(f),
            _ when type == typeof(decimal) => decimal.TryParse(value, NumberStyles.Number, inv, out _),
            _ when type == typeof(bool) => bool.TryParse(value, out _),
            _ when type == typeof(DateOnly) => DateOnly.TryParseExact(value, "yyyy-MM-dd", inv, DateTimeStyles.None, out _),
            _ when type == typeof(DateTime) => DateTime.TryParse(value, inv, DateTimeStyles.RoundtripKind, out _),
            _ when type == typeof(DateTimeOffset) => DateTimeOffset.TryParse(value, inv, DateTimeStyles.RoundtripKind, out _),
            _ when type == typeof(Guid) => Guid.TryParse(value, out _),
            _ => true,
        };
        return ok ? null : Invalid($"{name} must be {Describes[type]}; got '{Shorten(value)}'.", name);
    }

    static bool IsJsonWrite(HttpRequest request) =>
        (HttpMethods.IsPost(request.Method) || HttpMethods.IsPut(request.Method) || HttpMethods.IsPatch(request.Method))
        && request.HasJsonContentType();

    /// <summary>Reads the JSON body once (bounded), checks every string and property name, and hands the handler a rewound copy.</summary>
    async Task<Failure?> BufferAndCheckJsonAsync(HttpRequest request, CancellationToken ct)
    {
        var max = options.Limits.MaxJsonBodyBytes;
        var tooLarge = new Failure(StatusCodes.Status413PayloadTooLarge, "Body too large", $"The JSON body may be at most {max / 1024} KB.");
        if (request.ContentLength > max) return tooLarge;
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > max) return tooLarge;
        }
        buffer.Position = 0;
        request.Body = buffer;
        request.ContentLength = buffer.Length;
        return ScanJson(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    static Failure? ScanJson(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 32 });
        var path = new List<object>(); // property names and array indexes from the root
        try
        {
            while (reader.Read())
            {
                var token = reader.TokenType;
                if (token == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString()!;
                    if (FirstControl(name) is { } n)
                        return Invalid($"The JSON body has a property name with a control character ({Describe(n)}).", PathText(path));
                    path[^1] = name;
                    continue;
                }
                if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
                {
                    path.RemoveAt(path.Count - 1);
                    continue;
                }
                // A value starts: inside an array it is the next element.
                if (path.Count > 0 && path[^1] is int index) path[^1] = index + 1;
                if (token == JsonTokenType.String && FirstControl(reader.GetString()!, allowLineBreaks: true) is { } c)
                {
                    var where = PathText(path);
                    return Invalid($"{(where.Length > 0 ? where : "The body")} must not contain control characters (found {Describe(c)}).", where);
                }
                if (token == JsonTokenType.StartObject) path.Add("");
                else if (token == JsonTokenType.StartArray) path.Add(-1);
            }
        }
        // Malformed JSON is the handler's to explain (it knows what it expected); nothing is written either way.
        catch (JsonException) { return null; }
        catch (InvalidOperationException)
        {
            return Invalid("The JSON body holds text that is not valid Unicode (a lone surrogate).", PathText(path));
        }
        return null;
    }

    static string PathText(List<object> path)
    {
        var text = new StringBuilder();
        foreach (var part in path)
        {
            if (part is string name && name.Length > 0) text.Append(text.Length > 0 ? "." : "").Append(name);
            else if (part is int index && index >= 0) text.Append('[').Append(index.ToString(CultureInfo.InvariantCulture)).Append(']');
        }
        return text.ToString();
    }

    /// <summary>The first control character (C0, DEL, C1 — U+0085 included); tab and line breaks pass in free text.</summary>
    static char? FirstControl(string text, bool allowLineBreaks = false)
    {
        foreach (var c in text)
            if (char.IsControl(c) && !(allowLineBreaks && c is '\t' or '\n' or '\r')) return c;
        return null;
    }

    static string Describe(char c) => $"U+{(int)c:X4}";

    static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "…";

    static Failure Invalid(string detail, string? parameter) => new(StatusCodes.Status400BadRequest, "Invalid request", detail, parameter);

    async Task WriteAsync(HttpContext http, Failure failure)
    {
        http.Response.StatusCode = failure.Status;
        var details = new ProblemDetails { Status = failure.Status, Title = failure.Title, Detail = failure.Detail };
        if (failure.Parameter is { Length: > 0 } p) details.Extensions["parameter"] = p;
        await problems.WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = details });
    }
}

public static class InputGateSetup
{
    /// <summary>Runs the input gate after routing (so it knows each endpoint's parameter types) and before any handler.</summary>
    public static WebApplication UseInputGate(this WebApplication app)
    {
        app.UseMiddleware<InputGate>();
        return app;
    }
}
