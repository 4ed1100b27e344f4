using System.Text;
using System.Text.RegularExpressions;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Hardening;

/// <summary>
/// The Vietnamese catalogue of problem messages (ProblemText.vi.json) against the messages the source can
/// produce: every literal message given to a problem has a template, and the templates are well formed.
/// </summary>
public sealed class ProblemLanguageTests
{
    static readonly string[] Calls =
        ["errors.Add(", "Problems.BadRequest(", "Problems.NotFound(", "Problems.Conflict(", "Problems.Forbidden(", "Problems.Unauthorized(", "Invalid("];

    /// <summary>Each message literal in src/MapApi given to a problem, with its interpolation holes filled by a sample word.</summary>
    public static List<(string Where, string Message)> SourceMessages()
    {
        var root = TestDatabase.FindRepoFolder("src");
        var found = new List<(string, string)>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "MapApi"), "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")) continue;
            var text = File.ReadAllText(file);
            foreach (var call in Calls)
                for (var at = text.IndexOf(call, StringComparison.Ordinal); at >= 0; at = text.IndexOf(call, at + 1, StringComparison.Ordinal))
                {
                    var start = at + call.Length;
                    while (start < text.Length && char.IsWhiteSpace(text[start])) start++;
                    if (ReadLiteral(text, start) is { } message)
                        found.Add(($"{Path.GetFileName(file)}:{text[..at].Count(c => c == '\n') + 1}", message));
                }
            // The input gate's own failures: new(StatusCodes.X, "Title", "detail" …).
            foreach (Match m in Regex.Matches(text, @"new(?:\s+Failure)?\(StatusCodes\.\w+, ""[^""]+"",\s*"))
                if (ReadLiteral(text, m.Index + m.Length) is { } detail)
                    found.Add(($"{Path.GetFileName(file)}:{text[..m.Index].Count(c => c == '\n') + 1}", detail));
        }
        return found;
    }

    /// <summary>
    /// The message at <paramref name="at"/>: a C# string literal ("…" or $"…") with its holes replaced by "x1", joined
    /// with the literals added to it by +; anything else added (a variable, a conditional) becomes one more "x1".
    /// </summary>
    static string? ReadLiteral(string text, int at)
    {
        if (ReadOne(text, at) is not { } first) return null;
        var (message, end) = first;
        while (true)
        {
            var next = end;
            while (next < text.Length && char.IsWhiteSpace(text[next])) next++;
            if (next >= text.Length || text[next] != '+') return message;
            next++;
            while (next < text.Length && char.IsWhiteSpace(text[next])) next++;
            if (ReadOne(text, next) is not { } more) return message + "x1";
            (message, end) = (message + more.Message, more.End);
        }
    }

    /// <summary>One string literal at <paramref name="at"/> and the index after it; null if there is none.</summary>
    static (string Message, int End)? ReadOne(string text, int at)
    {
        var interpolated = text[at] == '$';
        if (interpolated) at++;
        if (at >= text.Length || text[at] != '"' || text.AsSpan(at).StartsWith("\"\"\"")) return null;
        var result = new StringBuilder();
        for (var i = at + 1; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"') return (result.ToString(), i + 1);
            if (c == '\\')
            {
                var next = text[++i];
                result.Append(next switch { 'n' => '\n', 't' => '\t', _ => next });
            }
            else if (interpolated && c == '{' && text[i + 1] == '{') { result.Append('{'); i++; }
            else if (interpolated && c == '}' && text[i + 1] == '}') { result.Append('}'); i++; }
            else if (interpolated && c == '{')
            {
                // Skip the hole: nested braces and string literals inside it do not end it.
                var depth = 1;
                while (depth > 0)
                {
                    i++;
                    if (text[i] == '"') { i++; while (text[i] != '"') { if (text[i] == '\\') i++; i++; } }
                    else if (text[i] == '{') depth++;
                    else if (text[i] == '}') depth--;
                }
                result.Append("x1");
            }
            else result.Append(c);
        }
        return null;
    }

    [Fact]
    public void Every_message_the_source_gives_a_problem_has_a_Vietnamese_template()
    {
        var messages = SourceMessages();
        Assert.True(messages.Count > 150, $"only {messages.Count} messages found: the scanner lost its way");
        var missing = messages.Where(m => ProblemLanguage.Vietnamese.TryTranslate(m.Message) is null)
            .Select(m => $"{m.Where}: {m.Message}").ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {messages.Count} messages have no template:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void Templates_keep_their_placeholders_and_fill_them_from_the_glossaries()
    {
        var vi = ProblemLanguage.Vietnamese;
        Assert.True(vi.TemplateCount > 50);
        Assert.Equal("Ngày kết thúc không được trước ngày bắt đầu.", vi.TryTranslate("window_end must not be before window_start."));
        // A field placeholder goes through the field glossary, a number is copied, and the result starts upper-case.
        var length = vi.TryTranslate("title must be 3–200 characters.")!;
        Assert.Contains("3", length);
        Assert.Contains("200", length);
        Assert.True(char.IsUpper(length[0]), length);
        Assert.DoesNotContain("title", length);
        // Text no template knows stays as it was.
        Assert.Null(vi.TryTranslate("Something nobody wrote a template for."));
        Assert.Equal("Something nobody wrote a template for.", vi.Translate("Something nobody wrote a template for."));
    }

    [Theory]
    [InlineData("vi", true)]
    [InlineData("vi-VN,vi;q=0.9,en;q=0.8", true)]
    [InlineData("en-US,en;q=0.9,vi;q=0.8", false)]
    [InlineData("fr-FR,vi;q=0.5", true)]
    [InlineData("en;q=0.4,vi;q=0.6", true)]
    [InlineData("", false)]
    public void The_client_asks_for_Vietnamese_through_Accept_Language(string header, bool vietnamese)
    {
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        if (header.Length > 0) http.Request.Headers.AcceptLanguage = header;
        Assert.Equal(vietnamese, ProblemLanguage.Wanted(http.Request));
    }
}
