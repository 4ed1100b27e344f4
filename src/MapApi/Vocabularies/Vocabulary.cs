namespace ResourceMap.Api.Vocabularies;

/// <summary>A code and what people call it, in Vietnamese and English.</summary>
public sealed record Term(string Code, string Vi, string En);

/// <summary>
/// Every code the API stores or shows, with its labels: the one place the layer filters, the need rules and the web map
/// (through /api/vocabularies) take them from. Lists are in the order people should meet them (statuses go forward first).
/// </summary>
public static class Vocabulary
{
    public static readonly Term[] TeamTypes =
    [
        new("club", "Câu lạc bộ", "Club"), new("team", "Đội", "Team"), new("group", "Nhóm", "Group"),
        new("specialist", "Đội hình chuyên", "Specialist team"),
    ];

    public static readonly Term[] TeamStatuses = [new("active", "Đang hoạt động", "Active"), new("inactive", "Tạm ngừng", "Inactive")];

    public static readonly Term[] NeedStatuses =
    [
        new("open", "Mới", "Open"), new("proposed", "Đã đề xuất", "Proposed"), new("accepted", "Đã nhận", "Accepted"),
        new("in-progress", "Đang thực hiện", "In progress"), new("done", "Hoàn thành", "Done"),
        new("declined", "Từ chối", "Declined"), new("cancelled", "Đã hủy", "Cancelled"),
    ];

    public static readonly Term[] AssignmentStatuses =
    [
        new("proposed", "Đã đề xuất", "Proposed"), new("accepted", "Đã nhận", "Accepted"),
        new("declined", "Từ chối", "Declined"), new("withdrawn", "Đã rút", "Withdrawn"),
    ];

    public static readonly Term[] Priorities =
    [
        new("low", "Thấp", "Low"), new("normal", "Bình thường", "Normal"), new("high", "Cao", "High"), new("urgent", "Khẩn cấp", "Urgent"),
    ];

    /// <summary>What a need is about: the categories of the seed's needs and of the plans' volunteer work.</summary>
    public static readonly Term[] NeedCategories =
    [
        new("housing", "Nhà ở", "Housing"), new("health", "Y tế", "Health"), new("education", "Giáo dục", "Education"),
        new("water-safety", "An toàn sông nước, phòng chống đuối nước", "Water safety"), new("livelihood", "Sinh kế", "Livelihood"),
        new("legal", "Pháp lý", "Legal aid"), new("environment", "Môi trường", "Environment"),
        new("infrastructure", "Hạ tầng", "Infrastructure"), new("digital", "Chuyển đổi số", "Digital"), new("other", "Khác", "Other"),
    ];

    public static readonly Term[] RelicTypes =
    [
        new("revolutionary", "Lịch sử cách mạng", "Revolutionary history"), new("historical", "Lịch sử", "Historical"),
        new("memorial", "Lưu niệm danh nhân", "Memorial"), new("architectural", "Kiến trúc nghệ thuật", "Architectural"),
        new("archaeological", "Khảo cổ", "Archaeological"), new("scenic", "Danh lam thắng cảnh", "Scenic"),
    ];

    public static readonly Term[] SiteRanks =
    [
        new("special-national", "Quốc gia đặc biệt", "Special national"), new("national", "Quốc gia", "National"),
        new("provincial", "Cấp tỉnh", "Provincial"), new("unranked", "Chưa xếp hạng", "Unranked"),
    ];

    public static readonly Term[] BorderKinds =
    [
        new("border-commune", "Xã biên giới", "Border commune"), new("border-belt", "Vành đai biên giới", "Border belt"),
    ];

    public static readonly Term[] MarkerTypes =
    [
        new("main", "Mốc chính", "Main marker"), new("secondary", "Mốc phụ", "Secondary marker"), new("stake", "Cọc dấu", "Sovereignty stake"),
    ];

    /// <summary>Neighbouring countries, ISO 3166-1 alpha-2.</summary>
    public static readonly Term[] Countries =
    [
        new("CN", "Trung Quốc", "China"), new("LA", "Lào", "Laos"), new("KH", "Campuchia", "Cambodia"),
    ];

    /// <summary>Languages a team works in: ISO 639-1 where one exists (vi), else ISO 639-3 (the ethnic minority languages).</summary>
    public static readonly Term[] Languages =
    [
        new("vi", "Tiếng Việt", "Vietnamese"), new("en", "Tiếng Anh", "English"), new("eng", "Tiếng Anh", "English"),
        new("khm", "Tiếng Khmer", "Khmer"), new("ktv", "Tiếng Cơ Tu", "Katu"), new("sed", "Tiếng Xơ Đăng", "Sedang"),
        new("jeh", "Tiếng Giẻ Triêng", "Jeh"), new("hnj", "Tiếng H'Mông", "Hmong"), new("blu", "Tiếng H'Mông", "Hmong Njua"),
        new("tyz", "Tiếng Tày", "Tày"), new("nut", "Tiếng Nùng", "Nùng"), new("tdd", "Tiếng Thái", "Tai Dam"), new("blt", "Tiếng Thái Đen", "Tai Dam"),
        new("ium", "Tiếng Dao", "Iu Mien"), new("mtq", "Tiếng Mường", "Muong"), new("cja", "Tiếng Chăm", "Cham"), new("cjm", "Tiếng Chăm", "Eastern Cham"),
        new("jra", "Tiếng Gia Rai", "Jarai"), new("rad", "Tiếng Ê Đê", "Rade"), new("bdq", "Tiếng Ba Na", "Bahnar"),
        new("kpm", "Tiếng Cơ Ho", "Koho"), new("cmo", "Tiếng Mnông", "Mnong"), new("stg", "Tiếng Xtiêng", "Stieng"),
        new("bru", "Tiếng Bru - Vân Kiều", "Bru"), new("pac", "Tiếng Pa Cô", "Pacoh"), new("zh", "Tiếng Hoa", "Chinese"),
    ];

    /// <summary>Quantities an activity reports (its outputs), with the unit in the label.</summary>
    public static readonly Term[] ActivityOutputs =
    [
        new("trees_planted", "Cây xanh đã trồng", "Trees planted"), new("road_m", "Đường giao thông (m)", "Road built (m)"),
        new("people_helped", "Người được giúp đỡ", "People helped"), new("households_helped", "Hộ được hỗ trợ", "Households helped"),
        new("waste_kg", "Rác thu gom (kg)", "Waste collected (kg)"), new("health_checks", "Lượt khám bệnh", "Health checks"),
        new("children_taught", "Trẻ em được dạy", "Children taught"), new("blood_units", "Đơn vị máu", "Blood units"),
        new("scholarships", "Suất học bổng", "Scholarships"), new("lights_installed", "Bóng đèn lắp đặt", "Lights installed"),
        new("houses_repaired", "Nhà được sửa, xây", "Houses repaired or built"), new("gifts", "Suất quà", "Gifts"),
        new("need_closed", "Nhu cầu đã hoàn thành", "Needs closed"),
    ];

    public static readonly Term[] AdminLevels =
    [
        new("country", "Quốc gia", "Country"), new("province", "Tỉnh, thành phố", "Province or city"),
        new("district", "Quận, huyện", "District"), new("commune", "Xã, phường, thị trấn", "Commune or ward"),
    ];

    /// <summary>The vocabularies by name, as /api/vocabularies serves them.</summary>
    public static readonly IReadOnlyDictionary<string, Term[]> All = new Dictionary<string, Term[]>
    {
        ["team_type"] = TeamTypes, ["team_status"] = TeamStatuses, ["need_status"] = NeedStatuses,
        ["assignment_status"] = AssignmentStatuses, ["priority"] = Priorities, ["need_category"] = NeedCategories,
        ["relic_type"] = RelicTypes, ["site_rank"] = SiteRanks, ["border_kind"] = BorderKinds, ["marker_type"] = MarkerTypes,
        ["country"] = Countries, ["language"] = Languages, ["activity_output"] = ActivityOutputs, ["admin_level"] = AdminLevels,
    };

    public static string[] Codes(this Term[] terms) => terms.Select(t => t.Code).ToArray();
}
