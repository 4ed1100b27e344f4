using System.Text;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using Npgsql;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Api.Activities;

/// <summary>
/// EF Core model of the portal's tables (campaigns, activities, their history and photos). The schema is
/// owned by the SQL migrations (0050); this model only maps it, and PortalDbModelTests proves the two agree.
/// Columns computed by the database (activities.admin_names, search_text) are not mapped.
/// </summary>
public sealed class PortalDb(DbContextOptions<PortalDb> options) : DbContext(options)
{
    public DbSet<Campaign> Campaigns => Set<Campaign>();
    public DbSet<CampaignIndicator> CampaignIndicators => Set<CampaignIndicator>();
    public DbSet<Activity> Activities => Set<Activity>();
    public DbSet<ActivityTransition> ActivityTransitions => Set<ActivityTransition>();
    public DbSet<ActivityPhoto> ActivityPhotos => Set<ActivityPhoto>();

    protected override void OnModelCreating(ModelBuilder b)
    {
        b.Entity<Campaign>(e =>
        {
            e.ToTable("campaigns");
            e.HasMany(c => c.Indicators).WithOne().HasForeignKey(i => i.CampaignId);
        });
        b.Entity<CampaignIndicator>().ToTable("campaign_indicators");
        b.Entity<Activity>(e =>
        {
            e.ToTable("activities");
            e.Property(a => a.Outputs).HasColumnType("jsonb");
            e.Property(a => a.Sponsors).HasColumnType("jsonb");
            e.Property(a => a.Geom).HasColumnType("geometry(Point,4326)");
            e.Property(a => a.VolunteerHours).HasColumnType("numeric(10,1)");
            e.Property(a => a.MoneyVnd).HasColumnType("numeric(18,0)");
        });
        b.Entity<ActivityTransition>().ToTable("activity_transitions");
        b.Entity<ActivityPhoto>().ToTable("activity_photos");
        b.Entity<CampaignIndicator>().Property(i => i.Target).HasColumnType("numeric(18,2)");

        // Tables and columns are snake_case, like the rest of the schema.
        foreach (var entity in b.Model.GetEntityTypes())
            foreach (var property in entity.GetProperties())
                property.SetColumnName(Snake(property.Name));
    }

    public static string Snake(string name)
    {
        var s = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0 && !char.IsDigit(name[i - 1])) s.Append('_');
            s.Append(char.ToLowerInvariant(name[i]));
        }
        return s.ToString();
    }

    /// <summary>
    /// EF gets its own data source with NetTopologySuite enabled, so the shared NpgsqlDataSource keeps reading
    /// geometry as it does (the rest of the API streams PostGIS's own GeoJSON text).
    /// </summary>
    public static IServiceCollection AddPortalDb(IServiceCollection services, ResourceMapOptions options)
    {
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        builder.ConnectionStringBuilder.ApplicationName ??= "ResourceMap portal";
        builder.UseNetTopologySuite();
        var source = builder.Build();
        services.AddDbContext<PortalDb>(o => o.UseNpgsql(source, x => x.UseNetTopologySuite()));
        return services;
    }
}

public sealed class Campaign
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public DateOnly StartsOn { get; set; }
    public DateOnly EndsOn { get; set; }
    public string UnitCode { get; set; } = "";
    public string UnionLevel { get; set; } = "";
    public string? Description { get; set; }
    public long? CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public List<CampaignIndicator> Indicators { get; set; } = [];
}

public sealed class CampaignIndicator
{
    public long Id { get; set; }
    public long CampaignId { get; set; }
    public string Code { get; set; } = "";
    public string Label { get; set; } = "";
    public string MeasureUnit { get; set; } = "";
    public decimal Target { get; set; }
}

public sealed class Activity
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public string? Campaign { get; set; }
    public long? CampaignId { get; set; }
    public DateOnly StartedOn { get; set; }
    public DateOnly? EndedOn { get; set; }
    public int? Participants { get; set; }
    public decimal? VolunteerHours { get; set; }
    public int? Beneficiaries { get; set; }
    public string Outputs { get; set; } = "{}";
    public long? TeamId { get; set; }
    public long? NeedId { get; set; }
    public string? AdminCode { get; set; }
    public Point Geom { get; set; } = null!;
    public string SourceId { get; set; } = "";
    public bool IsSample { get; set; }
    public string Status { get; set; } = "draft";
    public string? UnitCode { get; set; }
    public string? Description { get; set; }
    public decimal? MoneyVnd { get; set; }
    public string? InKind { get; set; }
    public string Sponsors { get; set; } = "[]";
    public string? PrivateNotes { get; set; }
    public string RecordedVia { get; set; } = "portal";
    public long? CreatedBy { get; set; }
    public string? IdempotencyKey { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? SubmittedAt { get; set; }
    public DateTime? ApprovedAt { get; set; }
}

public sealed class ActivityTransition
{
    public long Id { get; set; }
    public long ActivityId { get; set; }
    public string? FromStatus { get; set; }
    public string ToStatus { get; set; } = "";
    public string? Note { get; set; }
    public long? ByUser { get; set; }
    public DateTime At { get; set; }
}

public sealed class ActivityPhoto
{
    public long Id { get; set; }
    public long ActivityId { get; set; }
    public string StorageKey { get; set; } = "";
    public string ContentType { get; set; } = "";
    public int Width { get; set; }
    public int Height { get; set; }
    public long Bytes { get; set; }
    public string Sha256 { get; set; } = "";
    public string? OriginalName { get; set; }
    public DateTime? TakenAt { get; set; }
    public double? ExifLon { get; set; }
    public double? ExifLat { get; set; }
    public string? IdempotencyKey { get; set; }
    public long? CreatedBy { get; set; }
    public DateTime CreatedAt { get; set; }
}
