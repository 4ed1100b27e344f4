using Microsoft.OpenApi;

namespace ResourceMap.Api.Infrastructure;

public static class OpenApi
{
    public static IServiceCollection AddResourceMapOpenApi(this IServiceCollection services)
    {
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc("v1", new OpenApiInfo
            {
                Title = "ResourceMap API",
                Version = "v1",
                Description = "Bản đồ số hóa nguồn lực tình nguyện — the digitised volunteer resource map. " +
                              "GeoJSON (RFC 7946) in WGS84; errors as RFC 9457 problem details.",
            });
            var xml = Path.Combine(AppContext.BaseDirectory, "MapApi.xml");
            if (File.Exists(xml)) o.IncludeXmlComments(xml);
        });
        return services;
    }

    public static WebApplication UseResourceMapOpenApi(this WebApplication app)
    {
        app.UseSwagger();
        app.UseSwaggerUI(o =>
        {
            o.SwaggerEndpoint("/swagger/v1/swagger.json", "ResourceMap API v1");
            o.RoutePrefix = "swagger";
            o.DocumentTitle = "ResourceMap API";
        });
        return app;
    }
}
