using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Api.Teams;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Teams;

/// <summary>The schema lives in the SQL migrations; this proves the EF Core model of RegistryDb agrees with it.</summary>
public sealed class RegistryModelTests(FixtureApiFactory app) : IClassFixture<FixtureApiFactory>
{
    [Fact]
    public async Task Every_mapped_table_and_column_exists_with_the_same_type_and_nullability()
    {
        using var scope = app.Services.CreateScope();
        var ef = scope.ServiceProvider.GetRequiredService<RegistryDb>();
        var checkedColumns = 0;
        await using var conn = await app.Sql.OpenConnectionAsync();
        foreach (var entity in ef.Model.GetEntityTypes())
        {
            var table = entity.GetTableName()!;
            var store = StoreObjectIdentifier.Table(table, entity.GetSchema());
            var database = new Dictionary<string, (string Type, bool Nullable)>();
            await using (var r = await conn.Command("""
                SELECT a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull
                FROM pg_attribute a WHERE a.attrelid = @table::regclass AND a.attnum > 0 AND NOT a.attisdropped
                """, ("table", table)).ExecuteReaderAsync())
                while (await r.ReadAsync()) database[r.GetString(0)] = (r.GetString(1), r.GetBoolean(2));
            Assert.True(database.Count > 0, $"table {table} is missing");

            var mapped = new HashSet<string>();
            foreach (var property in entity.GetProperties())
            {
                var column = property.GetColumnName(store)!;
                mapped.Add(column);
                Assert.True(database.ContainsKey(column), $"{table}.{column} is in the EF model but not in the database");
                var (type, nullable) = database[column];
                Assert.Equal(Normalise(type), Normalise(property.GetColumnType(store)));
                Assert.True(nullable == property.IsColumnNullable(store), $"{table}.{column}: nullable is {nullable} in the database, {property.IsColumnNullable(store)} in EF");
                checkedColumns++;
            }
            var unmapped = database.Keys.Except(mapped).Order().ToArray();
            Assert.Equal(RegistryDb.UnmappedColumns.TryGetValue(table, out var allowed) ? allowed.Order().ToArray() : [], unmapped);
        }
        Assert.True(checkedColumns >= 40, $"only {checkedColumns} columns checked");
    }

    static string Normalise(string type) => type.Replace(" ", "").ToLowerInvariant();
}
