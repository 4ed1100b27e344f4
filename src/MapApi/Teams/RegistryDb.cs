using System.Text;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Api.Teams;

/// <summary>
/// EF Core for the CRUD side of the registry and the import reports: teams as records (create, edit,
/// deactivate), their change history and the stored import reports, with NTS geometry types.
/// The schema stays in the SQL migrations (RegistryModelTests proves this model matches them);
/// the spatial read paths (GeoJSON and MVT built by PostGIS) stay SQL.
/// EF gets its own Npgsql data source with NetTopologySuite enabled, so the shared NpgsqlDataSource
/// keeps reading geometry the way the rest of the API expects.
/// </summary>
public sealed class RegistryDb(DbContextOptions<RegistryDb> options) : DbContext(options)
{
    public DbSet<TeamRecord> Teams => Set<TeamRecord>();
    public DbSet<TeamHistoryRecord> TeamHistory => Set<TeamHistoryRecord>();
    public DbSet<ImportRecord> Imports => Set<ImportRecord>();

    /// <summary>Columns of mapped tables that EF deliberately leaves to the database (trigger-kept or generated):
    /// place names and search text from the admin units, availability merged from team_availability for matching, the
    /// stored Feature text (StoredFeatures).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> UnmappedColumns = new Dictionary<string, string[]>
    {
        ["teams"] = ["admin_names", "availability", "feature_text", "search_text"],
    };

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<TeamRecord>(e =>
        {
            e.ToTable("teams");
            e.Property(t => t.Id).UseIdentityAlwaysColumn();
            e.Property(t => t.Geom).HasColumnType("geometry(Point,4326)");
            e.Property(t => t.ServiceArea).HasColumnType("geometry(MultiPolygon,4326)");
        });
        model.Entity<TeamHistoryRecord>(e =>
        {
            e.ToTable("team_history");
            e.Property(h => h.Id).UseIdentityAlwaysColumn();
            e.Property(h => h.Changes).HasColumnType("jsonb");
        });
        model.Entity<ImportRecord>(e =>
        {
            e.ToTable("imports");
            e.Property(i => i.Id).UseIdentityAlwaysColumn();
            e.Property(i => i.Report).HasColumnType("jsonb");
        });
        // Columns are snake_case like the SQL migrations.
        foreach (var entity in model.Model.GetEntityTypes())
            foreach (var property in entity.GetProperties())
                property.SetColumnName(SnakeCase(property.Name));
    }

    static string SnakeCase(string name)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) sb.Append('_');
            sb.Append(char.ToLowerInvariant(name[i]));
        }
        return sb.ToString();
    }
}

public static class RegistryDbSetup
{
    public static IServiceCollection AddRegistryDb(this IServiceCollection services, ResourceMapOptions options) =>
        services.AddDbContext<RegistryDb>(o => o.UseNpgsql(
            new Npgsql.NpgsqlConnectionStringBuilder(options.ConnectionString) { ApplicationName = "ResourceMap-EF" }.ConnectionString,
            npgsql => npgsql.UseNetTopologySuite()));
}

public sealed class TeamRecord
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public string TeamType { get; set; } = "team";
    public string ParentUnit { get; set; } = "";
    public string? AdminCode { get; set; }
    public string[] Skills { get; set; } = [];
    public string[] Languages { get; set; } = ["vi"];
    public int Members { get; set; }
    public int Capacity { get; set; }
    public string Status { get; set; } = "active";
    public DateOnly? FoundedOn { get; set; }
    public string? Description { get; set; }
    public string? PublicPhone { get; set; }
    public string? PublicEmail { get; set; }
    public string? PublicUrl { get; set; }
    public string? PrivateContactName { get; set; }
    public string? PrivatePhone { get; set; }
    public string? PrivateEmail { get; set; }
    public int? ServiceRadiusM { get; set; }
    public MultiPolygon? ServiceArea { get; set; }
    public DateTimeOffset? LastAssignedAt { get; set; }
    public Point Geom { get; set; } = null!;
    public string SourceId { get; set; } = "";
    public bool IsSample { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string? ExternalId { get; set; }
    public bool LocationApproximate { get; set; }
}

public sealed class TeamHistoryRecord
{
    public long Id { get; set; }
    public long TeamId { get; set; }
    public string Action { get; set; } = "";
    public string ChangedBy { get; set; } = "";
    public DateTimeOffset ChangedAt { get; set; }
    public string Changes { get; set; } = "{}";
}

public sealed class ImportRecord
{
    public long Id { get; set; }
    public string Layer { get; set; } = "";
    public string FileName { get; set; } = "";
    public string Format { get; set; } = "";
    public bool DryRun { get; set; }
    public string Status { get; set; } = "";
    public int TotalRows { get; set; }
    public int ErrorCount { get; set; }
    public int Inserted { get; set; }
    public int Updated { get; set; }
    public int Unchanged { get; set; }
    public string Report { get; set; } = "{}";
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}
