using Microsoft.Extensions.FileProviders;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Api.Web;

/// <summary>Serves the web map, its npm packages and the offline basemap from the same port as the API.</summary>
public static class WebMap
{
    public static WebApplication UseWebMap(this WebApplication app, ResourceMapOptions options)
    {
        if (options.WebRoot is { } webRoot && Directory.Exists(Path.Combine(webRoot, "wwwroot")))
        {
            var site = new PhysicalFileProvider(Path.Combine(webRoot, "wwwroot"));
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = site });
            app.UseStaticFiles(new StaticFileOptions { FileProvider = site });
            // Front-end packages are installed from npm (pinned in package.json) and served, never fetched from a CDN.
            var modules = Path.Combine(webRoot, "node_modules");
            if (Directory.Exists(modules))
                app.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(modules), RequestPath = "/vendor" });
        }
        else
        {
            app.Logger.LogWarning("Web map folder not found ({WebRoot}); serving the API only", options.WebRoot);
        }

        if (options.DataDirectory is { } data && Directory.Exists(Path.Combine(data, "basemap")))
        {
            var types = new Microsoft.AspNetCore.StaticFiles.FileExtensionContentTypeProvider();
            types.Mappings[".geojson"] = "application/geo+json";
            app.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = new PhysicalFileProvider(Path.Combine(data, "basemap")),
                RequestPath = "/basemap",
                ContentTypeProvider = types,
            });
        }
        return app;
    }
}
