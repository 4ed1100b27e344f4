using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ResourceMap.Api.Activities;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Tests.Activities;

/// <summary>The EF Core model of the portal and the schema the SQL migrations build agree: every mapped table and column exists, with its type and nullability.</summary>
public sealed class PortalDbModelTests(PortalApiFactory app) : IClassFixture<PortalApiFactory>
{
    [Fact]
    public async Task Every_mapped_column_exists_with_the_same_type_and_nullability()
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDb>();
        var columns = new Dictionary<(string, string), (string Type, bool Nullable)>();
        await using (var conn = await app.Sql.OpenConnectionAsync())
        await using (var r = await conn.Command("""
            SELECT c.table_name, c.column_name, format_type(a.atttypid, a.atttypmod), c.is_nullable = 'YES'
            FROM information_schema.columns c
            JOIN pg_attribute a ON a.attrelid = (quote_ident(c.table_schema) || '.' || quote_ident(c.table_name))::regclass AND a.attname = c.column_name
            WHERE c.table_schema = 'public'
            """).ExecuteReaderAsync())
            while (await r.ReadAsync()) columns[(r.GetString(0), r.GetString(1))] = (r.GetString(2), r.GetBoolean(3));

        var checkedColumns = 0;
        foreach (var entity in db.Model.GetEntityTypes())
        {
            var table = entity.GetTableName()!;
            var store = Microsoft.EntityFrameworkCore.Metadata.StoreObjectIdentifier.Table(table, null);
            foreach (var property in entity.GetProperties())
            {
                var column = property.GetColumnName(store)!;
                Assert.True(columns.TryGetValue((table, column), out var actual), $"{table}.{column} is mapped but not in the database");
                var expected = Normalise(property.GetColumnType());
                Assert.True(expected == Normalise(actual.Type), $"{table}.{column}: EF says {expected}, the database {actual.Type}");
                Assert.True(property.IsNullable == actual.Nullable, $"{table}.{column}: EF nullable={property.IsNullable}, database nullable={actual.Nullable}");
                checkedColumns++;
            }
        }
        Assert.True(checkedColumns > 50, $"only {checkedColumns} columns checked");
    }

    static string Normalise(string type) => type.ToLowerInvariant().Replace(" ", "") switch
    {
        "timestampwithtimezone" => "timestamptz",
        "geometry(point,4326)" => "geometry(point,4326)",
        var t => t,
    };
}
