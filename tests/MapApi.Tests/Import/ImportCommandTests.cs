using System.Diagnostics;
using System.Text;
using Npgsql;
using ResourceMap.Api.Infrastructure;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Import;

/// <summary>`MapApi import &lt;layer&gt; &lt;file&gt; [--dry-run|--commit]` as an operator runs it: a real process against its own database.</summary>
public sealed class ImportCommandTests : IAsyncLifetime
{
    string database = "";

    public async Task InitializeAsync() => database = await TestDatabase.CreateMigratedAsync("rm_import_cli");
    public Task DisposeAsync() => TestDatabase.DropAsync(database);

    async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        var dll = Path.Combine(TestDatabase.FindRepoFolder("src"), "MapApi", "bin", "Debug", "net10.0", "MapApi.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["RESOURCEMAP_DB"] = TestDatabase.ConnectionString(database);
        start.Environment["RESOURCEMAP_SEED"] = "false";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }

    [Fact]
    public async Task The_command_line_dry_runs_reports_bad_rows_and_commits()
    {
        var dir = Directory.CreateTempSubdirectory("rm-import-cli-");
        try
        {
            var bad = Path.Combine(dir.FullName, "di-tich-loi.csv");
            await File.WriteAllTextAsync(bad, "Mã định danh,Tên di tích,Loại di tích,Kinh độ,Vĩ độ\nRA-1,Địa đạo,chùa,108.2,15.8\n", new UTF8Encoding(true));
            var refused = await RunAsync("import", "red-addresses", bad, "--commit");
            Assert.Equal(1, refused.Code);
            Assert.Contains("row 2, Loại di tích", refused.Err);

            var good = Path.Combine(dir.FullName, "di-tich.csv");
            await File.WriteAllTextAsync(good, "Mã định danh,Tên di tích,Loại di tích,Kinh độ,Vĩ độ\nRA-1,Địa đạo Kỳ Anh,lịch sử,108.55,15.52\n", new UTF8Encoding(true));
            var dry = await RunAsync("import", "red-addresses", good, "--dry-run");
            Assert.True(dry.Code == 0, dry.Err);
            Assert.Contains("(valid)", dry.Out);
            var commit = await RunAsync("import", "red-addresses", good, "--commit");
            Assert.True(commit.Code == 0, commit.Err);
            Assert.Contains("1 new", commit.Out);

            await using var db = NpgsqlDataSource.Create(TestDatabase.ConnectionString(database));
            await using var conn = await db.OpenConnectionAsync();
            Assert.Equal("Địa đạo Kỳ Anh", await conn.Command("SELECT name FROM red_sites WHERE external_id = 'RA-1'").ExecuteScalarAsync());
            Assert.Equal(3L, await conn.Command("SELECT count(*) FROM imports").ExecuteScalarAsync());
        }
        finally { dir.Delete(true); }
    }
}
