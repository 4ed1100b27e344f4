using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Auth;

/// <summary>Sign-in, refresh and sign-out as a client does them.</summary>
public static class AuthRequests
{
    public static Task<HttpResponseMessage> SignInAsync(HttpClient client, string username, string password) =>
        client.PostAsJsonAsync("/api/auth/token", new { username, password });

    /// <summary>Signs in and returns the token answer (asserting 200).</summary>
    public static async Task<JsonNode> TokensAsync(HttpClient client, string username, string password = FixtureApiFactory.Password)
    {
        var response = await SignInAsync(client, username, password);
        Assert.Equal(200, (int)response.StatusCode);
        return await response.ReadJsonAsync();
    }

    public static Task<HttpResponseMessage> RefreshAsync(HttpClient client, string refreshToken) =>
        client.PostAsJsonAsync("/api/auth/refresh", new { refresh_token = refreshToken });

    public static Task<HttpResponseMessage> LogoutAsync(HttpClient client, string refreshToken) =>
        client.PostAsJsonAsync("/api/auth/logout", new { refresh_token = refreshToken });

    /// <summary>GET /api/auth/me with this access token.</summary>
    public static Task<HttpResponseMessage> MeAsync(HttpClient client, string accessToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client.SendAsync(request);
    }

    public static string Access(this JsonNode tokens) => tokens["access_token"]!.GetValue<string>();
    public static string Refresh(this JsonNode tokens) => tokens["refresh_token"]!.GetValue<string>();

    /// <summary>Another instance of the API (own services, caches and key loader) on the same database, with extra settings.</summary>
    public static WebApplicationFactory<Program> Instance(this WebApplicationFactory<Program> app, params (string Name, string Value)[] settings) =>
        app.WithWebHostBuilder(b =>
        {
            foreach (var (name, value) in settings) b.UseSetting(name, value);
        });
}
