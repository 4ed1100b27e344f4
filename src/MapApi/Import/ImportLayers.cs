using System.Globalization;
using System.Text;

namespace ResourceMap.Api.Import;

public enum FieldKind { Text, Int, Decimal, Bool, Date, Enum, Skills, TextList, Languages, Km, Country }

/// <summary>
/// One column of an import file: the database column, the Vietnamese header of the template, other
/// accepted headers (English, the column name), how the cell is read, and a sample value.
/// </summary>
public sealed record ImportField(string Column, string HeaderVi, string HeaderEn, FieldKind Kind, object Sample,
    bool Required = false, double Min = 0, double Max = 0, int MaxLength = 200, object? Default = null,
    IReadOnlyDictionary<string, string>? Vocabulary = null, string[]? Aliases = null);

/// <summary>A layer that can be imported: its table, its fields and which column holds an imported polygon.</summary>
public sealed record ImportLayer(string Id, string Table, string TitleVi, string TitleEn, ImportField[] Fields, string? AreaColumn, bool HasUpdatedAt);

public static class ImportLayers
{
    // Location and identity columns every layer shares (not table columns themselves, except external_id).
    public const string ExternalId = "external_id", Lon = "lon", Lat = "lat", X = "x", Y = "y", Zone = "vn2000_zone",
        Commune = "commune", District = "district", Province = "province";

    public static readonly ImportField[] Common =
    [
        new(ExternalId, "Mã định danh", "External id", FieldKind.Text, "QN-DTN-001", Required: true, MaxLength: 100, Aliases: ["ma", "id"]),
        new(Lon, "Kinh độ", "Longitude", FieldKind.Decimal, 108.0812, Min: -180, Max: 180, Aliases: ["lng", "long", "kinh do wgs84"]),
        new(Lat, "Vĩ độ", "Latitude", FieldKind.Decimal, 15.0523, Min: -90, Max: 90, Aliases: ["vi do wgs84"]),
        new(X, "X (VN-2000)", "X (VN-2000)", FieldKind.Decimal, "", Min: 0, Max: 3_000_000, Aliases: ["toa do x", "x vn2000"]),
        new(Y, "Y (VN-2000)", "Y (VN-2000)", FieldKind.Decimal, "", Min: 0, Max: 3_000_000, Aliases: ["toa do y", "y vn2000"]),
        new(Zone, "Múi chiếu VN-2000", "VN-2000 zone", FieldKind.Text, "", MaxLength: 40, Aliases: ["mui chieu", "zone", "kinh tuyen truc"]),
        new(Commune, "Xã/Phường", "Commune", FieldKind.Text, "Xã Trà Cang", Aliases: ["xa", "phuong", "xa phuong thi tran", "ward"]),
        new(District, "Quận/Huyện", "District", FieldKind.Text, "Huyện Nam Trà My", Aliases: ["huyen", "quan", "quan huyen thi xa"]),
        new(Province, "Tỉnh/Thành phố", "Province", FieldKind.Text, "Quảng Nam", Aliases: ["tinh", "tinh thanh", "tinh thanh pho", "thanh pho"]),
    ];

    static IReadOnlyDictionary<string, string> Vocab(params (string Code, string[] Words)[] entries)
    {
        var map = new Dictionary<string, string>();
        foreach (var (code, words) in entries)
        {
            map[Fold(code)] = code;
            foreach (var w in words) map[Fold(w)] = code;
        }
        return map;
    }

    public static readonly IReadOnlyList<ImportLayer> All =
    [
        new("teams", "teams", "Đội, CLB, nhóm tình nguyện", "Volunteer teams, clubs and groups",
        [
            new("name", "Tên đội/CLB", "Name", FieldKind.Text, "Đội hình tình nguyện Nam Trà My", Required: true, Aliases: ["ten", "ten doi", "ten clb"]),
            new("team_type", "Loại hình", "Type", FieldKind.Enum, "đội", Default: "team", Vocabulary: Vocab(
                ("club", ["câu lạc bộ", "clb"]), ("team", ["đội", "đội hình"]), ("group", ["nhóm"]), ("specialist", ["đội chuyên môn", "chuyên môn", "chuyên"]))),
            new("parent_unit", "Đơn vị Đoàn trực thuộc", "Parent unit", FieldKind.Text, "Huyện đoàn Nam Trà My", Required: true, Aliases: ["don vi doan", "don vi truc thuoc"]),
            new("members", "Số thành viên", "Members", FieldKind.Int, 25, Min: 0, Max: 100_000, Default: 0),
            new("capacity", "Số TNV huy động được", "Capacity", FieldKind.Int, 10, Min: 0, Max: 10_000, Default: 0, Aliases: ["suc chua", "kha nang huy dong"]),
            new("skills", "Kỹ năng", "Skills", FieldKind.Skills, "Sơ cấp cứu; first-aid", Default: Array.Empty<string>()),
            new("languages", "Ngôn ngữ", "Languages", FieldKind.Languages, "vi", Default: new[] { "vi" }),
            new("service_radius_m", "Bán kính phục vụ (km)", "Service radius (km)", FieldKind.Km, 20, Min: 0.1, Max: 500, Aliases: ["ban kinh km", "ban kinh phuc vu"]),
            new("status", "Trạng thái", "Status", FieldKind.Enum, "hoạt động", Default: "active", Vocabulary: Vocab(
                ("active", ["hoạt động", "đang hoạt động"]), ("inactive", ["ngừng hoạt động", "ngừng", "tạm ngừng"]))),
            new("founded_on", "Ngày thành lập", "Founded on", FieldKind.Date, "26/03/2015"),
            new("description", "Mô tả", "Description", FieldKind.Text, "", MaxLength: 2000),
            new("public_phone", "Điện thoại công khai", "Public phone", FieldKind.Text, ""),
            new("public_email", "Email công khai", "Public e-mail", FieldKind.Text, ""),
            new("public_url", "Trang web", "Website", FieldKind.Text, ""),
            new("private_contact_name", "Người liên hệ (riêng tư)", "Contact person (private)", FieldKind.Text, "Nguyễn Văn A"),
            new("private_phone", "Điện thoại liên hệ (riêng tư)", "Contact phone (private)", FieldKind.Text, "0900000000"),
            new("private_email", "Email liên hệ (riêng tư)", "Contact e-mail (private)", FieldKind.Text, ""),
        ], "service_area", true),
        new("red-addresses", "red_sites", "Địa chỉ đỏ", "Red addresses (historical sites)",
        [
            new("name", "Tên di tích", "Name", FieldKind.Text, "Khu di tích Nước Oa", Required: true, Aliases: ["ten"]),
            new("relic_type", "Loại di tích", "Relic type", FieldKind.Enum, "lịch sử", Required: true, Vocabulary: Vocab(
                ("historical", ["lịch sử"]), ("revolutionary", ["cách mạng", "lịch sử cách mạng"]), ("architectural", ["kiến trúc nghệ thuật", "kiến trúc"]),
                ("archaeological", ["khảo cổ"]), ("memorial", ["lưu niệm", "tưởng niệm"]), ("scenic", ["danh lam thắng cảnh", "danh thắng"]))),
            new("rank", "Xếp hạng", "Rank", FieldKind.Enum, "quốc gia", Default: "unranked", Vocabulary: Vocab(
                ("special-national", ["quốc gia đặc biệt"]), ("national", ["quốc gia"]), ("provincial", ["cấp tỉnh", "tỉnh"]), ("unranked", ["chưa xếp hạng"]))),
            new("recognised_year", "Năm công nhận", "Year recognised", FieldKind.Int, 1998, Min: 1945, Max: 2100),
            new("story", "Câu chuyện", "Story", FieldKind.Text, "", MaxLength: 4000),
            new("visiting_info", "Thông tin tham quan", "Visiting information", FieldKind.Text, "", MaxLength: 2000),
            new("address", "Địa chỉ", "Address", FieldKind.Text, ""),
        ], null, false),
        new("hardship-villages", "hardship_villages", "Thôn, bản đặc biệt khó khăn", "Hardship villages",
        [
            new("name", "Tên thôn/bản", "Name", FieldKind.Text, "Thôn 2", Required: true, Aliases: ["ten", "ten thon"]),
            new("poverty_rate", "Tỷ lệ hộ nghèo (%)", "Poverty rate (%)", FieldKind.Decimal, 62.5, Min: 0, Max: 100),
            new("households", "Số hộ", "Households", FieldKind.Int, 120, Min: 0, Max: 1_000_000),
            new("population", "Số dân", "Population", FieldKind.Int, 540, Min: 0, Max: 10_000_000, Aliases: ["dan so"]),
            new("ethnic_groups", "Dân tộc", "Ethnic groups", FieldKind.TextList, "Xơ Đăng", Default: Array.Empty<string>()),
            new("extremely_difficult", "Đặc biệt khó khăn", "Extremely difficult", FieldKind.Bool, "có", Default: true),
            new("new_rural_criteria_met", "Số tiêu chí NTM đạt", "New-rural criteria met", FieldKind.Int, 8, Min: 0, Max: 19),
            new("last_served_on", "Lần hỗ trợ gần nhất", "Last served on", FieldKind.Date, ""),
        ], "area", false),
        new("border-markers", "border_markers", "Cột mốc biên giới", "Border markers",
        [
            new("marker_number", "Số hiệu mốc", "Marker number", FieldKind.Text, "652/1", Required: true, MaxLength: 40, Aliases: ["so moc", "name", "ten"]),
            new("marker_type", "Loại mốc", "Marker type", FieldKind.Enum, "mốc chính", Default: "main", Vocabulary: Vocab(
                ("main", ["mốc chính"]), ("secondary", ["mốc phụ"]), ("stake", ["cọc dấu"]))),
            new("neighbour_country", "Nước tiếp giáp", "Neighbour country", FieldKind.Country, "Lào", Required: true, Aliases: ["nuoc", "quoc gia", "country"]),
        ], null, false),
        new("needs", "needs", "Nhu cầu", "Needs",
        [
            new("title", "Tiêu đề", "Title", FieldKind.Text, "Sửa lớp học điểm trường", Required: true, Aliases: ["name", "ten"]),
            new("category", "Lĩnh vực", "Category", FieldKind.Text, "education", Required: true, MaxLength: 60),
            new("required_skills", "Kỹ năng cần", "Required skills", FieldKind.Skills, "construction", Default: Array.Empty<string>()),
            new("volunteers_needed", "Số TNV cần", "Volunteers needed", FieldKind.Int, 8, Required: true, Min: 1, Max: 1000),
            new("window_start", "Từ ngày", "From", FieldKind.Date, "01/07/2027", Required: true),
            new("window_end", "Đến ngày", "To", FieldKind.Date, "10/07/2027", Required: true),
            new("priority", "Mức ưu tiên", "Priority", FieldKind.Enum, "bình thường", Default: "normal", Vocabulary: Vocab(
                ("low", ["thấp"]), ("normal", ["bình thường"]), ("high", ["cao"]), ("urgent", ["khẩn cấp", "gấp"]))),
            new("public_summary", "Mô tả công khai", "Public summary", FieldKind.Text, "Điểm trường cần sửa mái trước năm học", Required: true, MaxLength: 2000),
        ], null, true),
        // Activities the unit did before (or beside) the portal: they arrive waiting for a coordinator's approval unless the
        // file says otherwise, and count as recorded by import, not through the portal, in the portal-share indicator.
        new("activities", "activities", "Hoạt động", "Activities",
        [
            new("name", "Tên hoạt động", "Name", FieldKind.Text, "Ra quân Tháng Thanh niên tại xã Trà Cang", Required: true, Aliases: ["ten", "ten hoat dong"]),
            new("campaign", "Chiến dịch/Phong trào", "Campaign", FieldKind.Text, "Tháng Thanh niên", Aliases: ["chien dich", "phong trao"]),
            new("started_on", "Ngày bắt đầu", "Started on", FieldKind.Date, "26/03/2026", Required: true, Aliases: ["tu ngay", "ngay", "ngay to chuc"]),
            new("ended_on", "Ngày kết thúc", "Ended on", FieldKind.Date, "", Aliases: ["den ngay"]),
            new("participants", "Số người tham gia", "Participants", FieldKind.Int, 40, Min: 0, Max: 1_000_000, Aliases: ["so tnv", "luot tnv", "so luot tham gia"]),
            new("volunteer_hours", "Số giờ tình nguyện", "Volunteer hours", FieldKind.Decimal, 160, Min: 0, Max: 100_000_000, Aliases: ["gio tinh nguyen"]),
            new("beneficiaries", "Số người hưởng lợi", "Beneficiaries", FieldKind.Int, 120, Min: 0, Max: 100_000_000, Aliases: ["nguoi huong loi", "so nguoi duoc ho tro"]),
            new("money_vnd", "Kinh phí huy động (đồng)", "Money mobilised (VND)", FieldKind.Decimal, 15_000_000, Min: 0, Max: 1e15, Aliases: ["kinh phi", "so tien", "kinh phi huy dong"]),
            new("in_kind", "Hiện vật huy động", "In-kind support", FieldKind.Text, "200 cây giống", MaxLength: 2000, Aliases: ["hien vat"]),
            new("description", "Mô tả", "Description", FieldKind.Text, "", MaxLength: 4000),
            new("status", "Trạng thái", "Status", FieldKind.Enum, "chờ duyệt", Default: "submitted", Vocabulary: Vocab(
                ("draft", ["nháp"]), ("submitted", ["chờ duyệt", "đã gửi"]), ("approved", ["đã duyệt"]))),
        ], null, true),
    ];

    public static ImportLayer? Find(string? id) => All.FirstOrDefault(l => l.Id == id);

    public static IEnumerable<ImportField> FieldsOf(ImportLayer layer) => Common.Take(1).Concat(layer.Fields).Concat(Common.Skip(1));

    /// <summary>Lower case, no Vietnamese diacritics (đ → d), letters and digits separated by single spaces.</summary>
    public static string Fold(string text)
    {
        var sb = new StringBuilder(text.Length);
        var space = false;
        foreach (var ch in text.Replace('đ', 'd').Replace('Đ', 'D').Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(ch) == UnicodeCategory.NonSpacingMark) continue;
            if (char.IsLetterOrDigit(ch)) { if (space && sb.Length > 0) sb.Append(' '); sb.Append(char.ToLowerInvariant(ch)); space = false; }
            else space = true;
        }
        return sb.ToString();
    }
}
