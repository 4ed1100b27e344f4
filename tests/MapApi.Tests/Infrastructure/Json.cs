using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ResourceMap.Tests.Infrastructure;

public static class Json
{
    public static async Task<JsonNode> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text) ?? throw new InvalidOperationException("empty body");
    }

    /// <summary>Asserts an RFC 9457 problem response with the given status and returns its body.</summary>
    public static async Task<JsonNode> AssertProblemAsync(this HttpResponseMessage response, int status)
    {
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.ReadJsonAsync();
        Assert.Equal(status, body["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrWhiteSpace(body["title"]?.GetValue<string>()));
        var text = body.ToJsonString();
        Assert.DoesNotContain("   at ", text); // never a stack trace
        return body;
    }

    public static IEnumerable<JsonNode> Features(this JsonNode collection) =>
        collection["features"]!.AsArray().Select(f => f!);
}
