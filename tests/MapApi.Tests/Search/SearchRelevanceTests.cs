using System.Text.Json.Nodes;
using ResourceMap.Tests.Infrastructure;

namespace ResourceMap.Tests.Search;

/// <summary>
/// /api/search against the seed data: fixed queries and the results people expect at the top, the ranking tiers,
/// paging through "more", the public fields and bad input.
/// </summary>
public sealed class SearchRelevanceTests(MapApiFactory app) : IClassFixture<MapApiFactory>
{
    async Task<JsonNode> SearchAsync(string query)
    {
        var response = await app.CreateClient().GetAsync("/api/search?" + query);
        Assert.True(response.IsSuccessStatusCode, $"{query}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.ReadJsonAsync();
    }

    static JsonArray? Group(JsonNode answer, string id) =>
        answer["groups"]!.AsArray().FirstOrDefault(g => g!["id"]!.GetValue<string>() == id)?["results"]!.AsArray();

    static string Name(JsonNode? result) => result!["name"]!.GetValue<string>();

    // Query, group, the names expected first in that group (in this order).
    public static TheoryData<string, string, string[]> TopResults => new()
    {
        { "nam tra my", "admin-units", ["Xã Nam Trà My", "Huyện Nam Trà My"] },
        { "hoi an", "admin-units", ["Xã Hội An", "Phường Hội An", "Thành phố Hội An"] },
        { "HỘI AN", "admin-units", ["Xã Hội An", "Phường Hội An", "Thành phố Hội An"] },
        { "quang nam", "admin-units", ["Quảng Nam"] },
        { "Quảng Nam", "admin-units", ["Quảng Nam"] },
        { "tra my", "admin-units", ["Xã Trà My"] },
        { "cu chi", "admin-units", ["Xã Củ Chi", "Huyện Củ Chi"] },
        { "con dao", "admin-units", ["Đặc khu Côn Đảo"] },
        { "ha giang", "admin-units", ["Hà Giang", "Phường Hà Giang 1", "Phường Hà Giang 2"] },
        { "lung pu", "hardship-villages", ["Thôn Lũng Pù, tỉnh Hà Giang"] },
        { "ha giang", "hardship-villages", ["Thôn Lũng Pù, tỉnh Hà Giang"] },
        { "cu chi", "red-addresses", ["Địa đạo Củ Chi"] },
        { "con dao", "red-addresses", ["Di tích Nhà tù Côn Đảo"] },
        { "phu quoc", "red-addresses", ["Di tích lịch sử Nhà tù Phú Quốc"] },
        { "ben tre", "red-addresses", ["Di tích Đồng Khởi Bến Tre"] },
        { "dinh doc lap", "red-addresses", ["Dinh Độc Lập"] },
        { "hoang thanh", "red-addresses", ["Hoàng thành Thăng Long"] },
        { "me viet nam", "red-addresses", ["Tượng đài Mẹ Việt Nam Anh hùng"] },
        { "dien bien phu", "red-addresses", ["Di tích Chiến trường Điện Biên Phủ (Đồi A1)"] },
        { "tay giang", "red-addresses", ["Di tích Đường 14 – Tây Giang"] },
        { "moc qn-01", "border-markers", ["Mốc QN-01"] },
        { "hoi an", "teams", ["Tổ công nghệ số cộng đồng thành phố Hội An", "Đội hình Tiếp sức đến trường thành phố Hội An"] },
    };

    [Theory]
    [MemberData(nameof(TopResults))]
    public async Task Fixed_queries_put_the_expected_results_first(string query, string group, string[] expected)
    {
        var results = Group(await SearchAsync("q=" + Uri.EscapeDataString(query)), group);
        Assert.NotNull(results);
        Assert.Equal(expected, results!.Take(expected.Length).Select(Name).ToArray());
    }

    [Fact]
    public async Task Nam_tra_my_lists_the_villages_of_Nam_Tra_My_before_any_other()
    {
        var inDistrict = new HashSet<long>();
        await using (var command = app.Sql.CreateCommand("SELECT id FROM hardship_villages WHERE admin_code LIKE '516%'"))
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) inDistrict.Add(reader.GetInt64(0));
        Assert.Equal(30, inDistrict.Count); // the seed's villages of Huyện Nam Trà My (district 516)

        var results = Group(await SearchAsync("q=nam%20tra%20my&group=hardship-villages&limit=50"), "hardship-villages")!;
        var first = results.Take(inDistrict.Count).ToList();
        Assert.All(first, r => Assert.Contains(r!["id"]!.GetValue<long>(), inDistrict));
        Assert.All(first, r => Assert.Equal("in_unit", r!["match"]!.GetValue<string>()));
        Assert.All(first, r => Assert.Contains("Nam Trà My", r!["place"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Words_match_at_word_starts_so_hoi_an_finds_no_unrelated_relic()
    {
        var answer = await SearchAsync("q=hoi%20an");
        // "Di tích Đồng Khởi Bến Tre" holds "hội" and "an" inside other words of its story; it is not a Hội An result.
        Assert.DoesNotContain(Group(answer, "red-addresses") ?? [], r => Name(r).Contains("Bến Tre"));
        Assert.Equal("admin-units", answer["groups"]![0]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Tiers_never_go_backwards_within_a_group()
    {
        var order = new[] { "exact", "prefix", "words", "in_unit", "text" };
        foreach (var query in new[] { "nam tra my", "tra my", "quang nam", "ha giang", "clb" })
            foreach (var group in (await SearchAsync($"q={Uri.EscapeDataString(query)}&limit=50"))["groups"]!.AsArray())
            {
                var tiers = group!["results"]!.AsArray().Select(r => Array.IndexOf(order, r!["match"]!.GetValue<string>())).ToList();
                Assert.DoesNotContain(-1, tiers);
                Assert.Equal(tiers.Order().ToList(), tiers);
            }
    }

    [Fact]
    public async Task More_pages_through_a_group_to_its_total_without_repeats()
    {
        var client = app.CreateClient();
        var first = (await SearchAsync("q=quang%20nam&limit=7"))["groups"]!.AsArray().Single(g => g!["id"]!.GetValue<string>() == "teams")!;
        var total = first["total"]!.GetValue<int>();
        Assert.True(total > 20, $"teams in Quảng Nam: {total}");
        var seen = first["results"]!.AsArray().Select(r => r!["id"]!.GetValue<long>()).ToList();
        var more = first["more"]?.GetValue<string>();
        while (more is not null)
        {
            var page = (await (await client.GetAsync(more)).ReadJsonAsync())["groups"]![0]!;
            Assert.Equal("teams", page["id"]!.GetValue<string>());
            Assert.Equal(total, page["total"]!.GetValue<int>());
            seen.AddRange(page["results"]!.AsArray().Select(r => r!["id"]!.GetValue<long>()));
            more = page["more"]?.GetValue<string>();
        }
        Assert.Equal(total, seen.Count);
        Assert.Equal(total, seen.Distinct().Count());
    }

    [Fact]
    public async Task Results_carry_public_fields_only()
    {
        var answer = await SearchAsync("q=quang%20nam&limit=50");
        var allowed = new HashSet<string> { "id", "layer", "name", "match", "place", "center", "bbox", "is_sample" };
        foreach (var group in answer["groups"]!.AsArray().Where(g => g!["id"]!.GetValue<string>() != "admin-units"))
            foreach (var result in group!["results"]!.AsArray())
            {
                Assert.Subset(allowed, result!.AsObject().Select(p => p.Key).ToHashSet());
                Assert.Equal(group["id"]!.GetValue<string>(), result["layer"]!.GetValue<string>());
                var center = result["center"]!.AsArray().Select(c => c!.GetValue<double>()).ToArray();
                Assert.InRange(center[0], 102, 118);
                Assert.InRange(center[1], 6, 24);
            }
    }

    [Fact]
    public async Task A_query_matching_nothing_returns_no_groups()
    {
        Assert.Empty((await SearchAsync("q=zzqxw"))["groups"]!.AsArray());
    }

    [Theory]
    [InlineData("/api/search")]
    [InlineData("/api/search?q=a")]
    [InlineData("/api/search?q=hoi%20an&limit=51")]
    [InlineData("/api/search?q=hoi%20an&limit=0")]
    [InlineData("/api/search?q=hoi%20an&offset=5")]
    [InlineData("/api/search?q=hoi%20an&group=teams&offset=1000")]
    [InlineData("/api/search?q=hoi%20an&group=teams&offset=-1")]
    [InlineData("/api/search?q=hoi%20an&group=galaxies")]
    public async Task Bad_input_gets_a_400_problem(string url)
    {
        await (await app.CreateClient().GetAsync(url)).AssertProblemAsync(400);
    }
}
