using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace ResourceMap.Api.Infrastructure;

/// <summary>
/// Absolute links in responses. They come from RESOURCEMAP_PUBLIC_URL when set; otherwise from the request, whose
/// Host the input gate has already matched against RESOURCEMAP_ALLOWED_HOSTS — never from an arbitrary Host header.
/// </summary>
public static class PublicUrl
{
    /// <summary>scheme://host[/base] with no trailing slash.</summary>
    public static string BaseOf(HttpRequest request)
    {
        var configured = request.HttpContext.RequestServices.GetRequiredService<ResourceMapOptions>().PublicBaseUrl;
        return configured is not null
            ? configured.GetLeftPart(UriPartial.Path).TrimEnd('/')
            : $"{request.Scheme}://{request.Host}{request.PathBase}";
    }

    /// <summary>Believes X-Forwarded-For and X-Forwarded-Proto from the configured proxies only; X-Forwarded-Host never (links use the public URL).</summary>
    public static WebApplication UseTrustedProxies(this WebApplication app, ResourceMapOptions options)
    {
        if (options.TrustedProxies.Length == 0) return app;
        var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        foreach (var proxy in options.TrustedProxies) forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
        app.UseForwardedHeaders(forwarded);
        return app;
    }
}
