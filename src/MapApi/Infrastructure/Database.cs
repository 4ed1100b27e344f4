using Npgsql;

namespace ResourceMap.Api.Infrastructure;

public static class Database
{
    /// <summary>One pooled data source for the app: the first PostGIS call on a new connection is slow.</summary>
    public static IServiceCollection AddResourceMapDatabase(this IServiceCollection services, ResourceMapOptions options)
    {
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        builder.ConnectionStringBuilder.ApplicationName ??= "ResourceMap";
        if (!string.IsNullOrWhiteSpace(options.DatabaseSessionOptions))
            builder.ConnectionStringBuilder.Options = $"{builder.ConnectionStringBuilder.Options} {options.DatabaseSessionOptions}".Trim();
        services.AddSingleton(builder.Build());
        ReadDb.AddReadDatabase(services, options);
        services.AddSingleton<Migrator>();
        return services;
    }

    public static NpgsqlCommand Command(this NpgsqlConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        // An anonymous request's statements are cancelled on the server after a few seconds (AnonymousCostCaps).
        if (AnonymousCostCaps.Active) command.CommandTimeout = ApiLimits.Current.AnonymousStatementSeconds;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }

    /// <summary>
    /// The statement run with one planner setting changed for it alone, in the same round trip. RESET ALL when the
    /// connection goes back to the pool undoes the setting should the statement fail before its own RESET.
    /// </summary>
    public static string WithSetting(string name, string value, string sql) => $"SET {name} = {value};\n{sql};\nRESET {name}";

    /// <summary>
    /// The statement run with its generic plan, for prepared statements whose planning costs more than their run and whose
    /// plan does not depend on the values (index lookups around one point or one box). PostgreSQL otherwise keeps planning a
    /// custom plan on every call when the generic one's estimate is higher.
    /// </summary>
    public static string WithGenericPlan(string sql) => WithSetting("plan_cache_mode", "force_generic_plan", sql);

    /// <summary>
    /// Prepares a command within its own timeout. Parsing waits like running (for a table another session has locked),
    /// but Npgsql applies no command timeout to Prepare: an anonymous view would wait 30 s instead of a few.
    /// </summary>
    public static async Task PrepareWithinTimeoutAsync(this NpgsqlCommand command, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (command.CommandTimeout > 0) timeout.CancelAfter(TimeSpan.FromSeconds(command.CommandTimeout));
        await command.PrepareAsync(timeout.Token);
    }
}
