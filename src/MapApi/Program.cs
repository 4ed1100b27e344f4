using ResourceMap.Api.Activities;
using ResourceMap.Api.AdminUnits;
using ResourceMap.Api.Campaigns;
using ResourceMap.Api.Auth;
using ResourceMap.Api.Coordinates;
using ResourceMap.Api.Export;
using ResourceMap.Api.Health;
using ResourceMap.Api.Import;
using ResourceMap.Api.Indicators;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Api.Search;
using ResourceMap.Api.Vocabularies;
using ResourceMap.Api.Layers;
using ResourceMap.Api.Matching;
using ResourceMap.Api.Needs;
using ResourceMap.Api.Ogc;
using ResourceMap.Api.Photos;
using ResourceMap.Api.Planning;
using ResourceMap.Api.Reports;
using ResourceMap.Api.Skills;
using ResourceMap.Api.Teams;
using ResourceMap.Api.Web;

var builder = WebApplication.CreateBuilder(args);
var options = ResourceMapOptions.FromConfiguration(builder.Configuration, builder.Environment.ContentRootPath);
ApiLimits.Activate(options.Limits);
builder.Services.AddSingleton(options);
builder.Services.AddResourceMapDatabase(options);
builder.Services.AddSingleton<DataLoader>();
builder.Services.AddRegistryDb(options);
builder.Services.AddScoped<Importer>();
// Coordination portal (issue 8): EF Core over its own NetTopologySuite data source, photo files behind IPhotoStore.
PortalDb.AddPortalDb(builder.Services, options);
builder.Services.AddSingleton<IPhotoStore, FileSystemPhotoStore>();
builder.Services.AddResourceMapProblems();
// One JSON casing for the whole API: snake_case, like the GeoJSON properties PostGIS renders.
builder.Services.ConfigureHttpJsonOptions(o => ApiJson.Apply(o.SerializerOptions));
builder.Services.AddResourceMapOpenApi();
builder.Services.AddResourceMapCompression();
builder.Services.AddResourceMapAuth();
// Every request body, URL and header block is bounded, chunked or not; endpoints set tighter limits of their own.
builder.WebHost.ConfigureKestrel(k =>
{
    k.Limits.MaxRequestBodySize = options.Limits.MaxRequestBodyBytes;
    // The input gate enforces the URL and header limits with problem details; the web server's own
    // limits sit above them and only catch what no client of this API sends.
    k.Limits.MaxRequestLineSize = options.Limits.MaxRequestLineBytes * 4;
    k.Limits.MaxRequestHeadersTotalSize = options.Limits.MaxRequestHeadersBytes * 4;
    k.AddServerHeader = false;
    k.ConfigureEndpointDefaults(listen => listen.UseProblemDetailsForServerErrors());
});

var app = builder.Build();
if (await CommandLine.RunAsync(app, args) is { } exitCode) return exitCode;
await app.PrepareDatabaseAsync(options);

app.UseTrustedProxies(options);
app.UseResourceMapProblems();
app.UseResourceMapCaching();
app.UseRouting();
app.UseInputGate();
app.UseResourceMapAuth();
app.UseAnonymousCostCaps(options.Limits);
app.UseResourceMapOpenApi();
app.UseWebMap(options);
app.MapWebConfigApi();
app.MapHealthApi();
app.MapLayersApi();
app.MapLayerTilesApi();
app.MapLayerClustersApi();
app.MapAdminUnitsApi();
app.MapSearchApi();
app.MapSkillsApi();
app.MapVocabulariesApi();
app.MapCoordinatesApi();
app.MapPlanningApi();
app.MapAuthApi();
app.MapNeedsApi();
app.MapMatchingApi();
app.MapTeamsApi();
app.MapOgcApi();
app.MapExportApi();
app.MapRegistryApi();
app.MapTeamLogoApi();
app.MapImportsApi();
app.MapCampaignsApi();
app.MapActivitiesApi();
app.MapPhotosApi();
app.MapIndicatorsApi();
app.MapReportsApi();
await app.RunAsync();
return 0;

public partial class Program;
