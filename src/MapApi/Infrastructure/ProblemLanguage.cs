using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;

namespace ResourceMap.Api.Infrastructure;

/// <summary>
/// Problem details in Vietnamese for clients that ask (Accept-Language: vi): title, detail and each of errors[]
/// through the catalogue ProblemText.vi.json. The messages are written once, in English, where the rule lives;
/// the catalogue holds their templates. A message without a template stays English rather than fail.
/// </summary>
public sealed partial class ProblemLanguage
{
    readonly record struct Template(Regex Pattern, string Vietnamese);

    readonly Dictionary<string, string> titles;
    readonly Dictionary<string, string> fields;
    readonly Dictionary<string, string> values;
    readonly List<Template> messages;

    ProblemLanguage(Dictionary<string, string> titles, Dictionary<string, string> fields, Dictionary<string, string> values, List<Template> messages) =>
        (this.titles, this.fields, this.values, this.messages) = (titles, fields, values, messages);

    public static ProblemLanguage Vietnamese { get; } = Load("ProblemText.vi.json");

    public int TemplateCount => messages.Count;

    static ProblemLanguage Load(string resource)
    {
        using var stream = typeof(ProblemLanguage).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The embedded resource {resource} is missing.");
        using var json = JsonDocument.Parse(stream);
        var root = json.RootElement;
        Dictionary<string, string> Map(string name) =>
            root.GetProperty(name).EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
        var messages = root.GetProperty("messages").EnumerateArray()
            .Select(m => new Template(Compile(m.GetProperty("en").GetString()!), m.GetProperty("vi").GetString()!))
            .ToList();
        return new(Map("titles"), Map("fields"), Map("values"), messages);
    }

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex Placeholder();

    /// <summary>
    /// A template as an anchored pattern: {field…} matches one field name, {value…} one code, any other
    /// placeholder any text ({message…} is translated in turn); the rest must match literally.
    /// </summary>
    public static Regex Compile(string template)
    {
        var pattern = new System.Text.StringBuilder("^");
        var at = 0;
        var seen = new HashSet<string>();
        foreach (Match m in Placeholder().Matches(template))
        {
            pattern.Append(Regex.Escape(template[at..m.Index]));
            var name = m.Groups[1].Value;
            if (!seen.Add(name)) pattern.Append($@"\k<{name}>");
            else if (name.StartsWith("field", StringComparison.Ordinal)) pattern.Append($"(?<{name}>[a-z][a-z0-9_.]*)");
            else if (name.StartsWith("value", StringComparison.Ordinal)) pattern.Append($"(?<{name}>[A-Za-z0-9_.:-]+)");
            else pattern.Append($"(?<{name}>.+?)");
            at = m.Index + m.Length;
        }
        pattern.Append(Regex.Escape(template[at..])).Append('$');
        return new Regex(pattern.ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline);
    }

    /// <summary>The message in Vietnamese, or null when no template matches it.</summary>
    public string? TryTranslate(string english)
    {
        foreach (var template in messages)
        {
            var match = template.Pattern.Match(english);
            if (!match.Success) continue;
            var text = Placeholder().Replace(template.Vietnamese, p =>
            {
                var name = p.Groups[1].Value;
                var group = match.Groups[name];
                if (!group.Success) return p.Value;
                var value = group.Value;
                if (name.StartsWith("field", StringComparison.Ordinal)) return fields.GetValueOrDefault(value, value);
                if (name.StartsWith("value", StringComparison.Ordinal)) return values.GetValueOrDefault(value, value);
                // A message inside a message ("near: " + the coordinate check's own message) is translated in turn.
                if (name.StartsWith("message", StringComparison.Ordinal)) return Translate(value);
                return value;
            });
            return text.Length > 0 ? char.ToUpper(text[0], CultureInfo.GetCultureInfo("vi-VN")) + text[1..] : text;
        }
        return null;
    }

    public string Translate(string english) => TryTranslate(english) ?? english;

    public string? TryTitle(string english) => titles.GetValueOrDefault(english);

    /// <summary>Translates a problem in place: title, detail, errors[] (and a detail made of the errors, rejoined).</summary>
    public void Apply(ProblemDetails problem)
    {
        if (problem.Title is { } title) problem.Title = titles.GetValueOrDefault(title, title);
        if (problem.Extensions.TryGetValue("errors", out var raw) && raw is IEnumerable<string> errors)
        {
            var english = errors.ToList();
            var translated = english.Select(Translate).ToList();
            problem.Extensions["errors"] = translated;
            if (problem.Detail == string.Join(" ", english)) { problem.Detail = string.Join(" ", translated); return; }
        }
        if (problem.Detail is { } detail) problem.Detail = Translate(detail);
    }

    /// <summary>
    /// True when the client prefers Vietnamese: the first of its Accept-Language ranges (by quality) that is
    /// Vietnamese or English decides; English is the default.
    /// </summary>
    public static bool Wanted(HttpRequest request)
    {
        var ranges = request.GetTypedHeaders().AcceptLanguage;
        foreach (var range in ranges.OrderByDescending(r => r.Quality ?? 1))
        {
            var tag = range.Value.Value ?? "";
            if (tag.StartsWith("vi", StringComparison.OrdinalIgnoreCase)) return true;
            if (tag.StartsWith("en", StringComparison.OrdinalIgnoreCase)) return false;
        }
        return false;
    }
}
