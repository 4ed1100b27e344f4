using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;
using ResourceMap.Api.Activities;
using ResourceMap.Api.Indicators;
using ResourceMap.Api.Infrastructure;

namespace ResourceMap.Api.Reports;

/// <summary>
/// Periodic reports generated from the records: weekly (the week of the last deadline, default Friday 16:00 Vietnam time),
/// campaign (phase: the campaign's period) and annual. XLSX (MiniExcel) and CSV carry Vietnamese headers; HTML is a printable
/// page in the usual layout (unit, period, indicator table, units, approved activities with photo thumbnails).
/// Only approved activities and public fields appear: a report may be forwarded anywhere.
/// </summary>
public static class ReportsApi
{
    static readonly string[] Kinds = ["weekly", "campaign", "annual"];
    static readonly string[] Formats = ["xlsx", "csv", "html"];
    static readonly CultureInfo Vi = CultureInfo.GetCultureInfo("vi-VN");

    public static IEndpointRouteBuilder MapReportsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/reports/{kind}", Get).WithTags("Reports").WithName("GetReport")
            .WithSummary("Report: kind weekly|campaign|annual; unit, campaign, from, to, format=xlsx|csv|html (default html)")
            .WithDescription("weekly: Monday–Sunday of the week whose deadline passed last (or from/to); campaign: the campaign's period (campaign required); " +
                             "annual: the calendar year of `to` (default this year). Approved activities only.")
            .Produces(200, contentType: "text/html").ProducesProblem(400);
        return app;
    }

    static async Task<IResult> Get(string kind, HttpRequest request, PortalDb portal, ResourceMapOptions options, CancellationToken ct)
    {
        var (campaign, unit, from, to, errors) = IndicatorsApi.ReadQuery(request);
        if (!Kinds.Contains(kind)) errors.Add($"The report kind must be one of {string.Join(", ", Kinds)}.");
        var format = request.Query["format"].ToString() is { Length: > 0 } f ? f : "html";
        if (!Formats.Contains(format)) errors.Add($"format must be one of {string.Join(", ", Formats)}.");
        if (kind == "campaign" && campaign is null) errors.Add("A campaign report needs campaign (its id).");
        if (errors.Count > 0) return Problems.Invalid(errors);

        if (kind == "weekly" && from is null && to is null)
        {
            var monday = IndicatorService.WeekStart(IndicatorService.LastDeadline(DateTimeOffset.UtcNow, options));
            from = DateOnly.FromDateTime(monday.DateTime);
            to = from.Value.AddDays(6);
        }
        if (kind == "annual" && from is null)
        {
            var year = (to ?? VietnamTime.Today).Year;
            (from, to) = (new DateOnly(year, 1, 1), to ?? new DateOnly(year, 12, 31));
        }
        IndicatorReport report;
        try { report = await IndicatorService.ComputeAsync(portal, options, campaign, unit, from, to, ct); }
        catch (IndicatorService.BadInput e) { return Problems.BadRequest(e.Message); }
        var approved = report.Activities.Where(a => a.Status == ActivityStatus.Approved).ToList();
        var title = kind switch { "weekly" => "Báo cáo tuần", "campaign" => "Báo cáo đợt", _ => "Báo cáo năm" };
        var fileName = $"bao-cao-{kind}-{report.UnitCode}-{report.From:yyyyMMdd}-{report.To:yyyyMMdd}";

        switch (format)
        {
            case "xlsx":
            {
                var sheets = new Dictionary<string, object>
                {
                    ["Chỉ tiêu"] = IndicatorRows(report),
                    ["Đơn vị"] = UnitRows(report),
                    ["Hoạt động"] = ActivityRows(approved),
                };
                var stream = new MemoryStream();
                await stream.SaveAsAsync(sheets, cancellationToken: ct);
                stream.Position = 0;
                return TypedResults.File(stream, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", fileName + ".xlsx");
            }
            case "csv":
            {
                var csv = new StringBuilder();
                var rows = IndicatorRows(report);
                csv.AppendLine(string.Join(',', rows[0].Keys.Select(Csv)));
                foreach (var row in rows) csv.AppendLine(string.Join(',', row.Values.Select(v => Csv(Format(v)))));
                // UTF-8 with a byte-order mark, so Excel reads the Vietnamese headers correctly.
                var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv.ToString())).ToArray();
                return TypedResults.File(bytes, "text/csv; charset=utf-8", fileName + ".csv");
            }
            default:
            {
                var photos = await portal.ActivityPhotos.AsNoTracking().Where(p => approved.Select(a => a.Id).Contains(p.ActivityId))
                    .OrderBy(p => p.Id).ToListAsync(ct);
                return TypedResults.Content(Html(title, report, approved, photos), "text/html; charset=utf-8");
            }
        }
    }

    static List<Dictionary<string, object?>> IndicatorRows(IndicatorReport r)
    {
        var rows = r.Indicators.Select(i => new Dictionary<string, object?>
        {
            ["Đơn vị"] = r.UnitName, ["Mã chỉ tiêu"] = i.Code, ["Chỉ tiêu"] = i.Label, ["Đơn vị tính"] = i.MeasureUnit,
            ["Kế hoạch"] = i.Target, ["Thực hiện"] = i.Actual, ["Tỷ lệ (%)"] = i.Percent,
        }).ToList();
        foreach (var u in r.Units)
            foreach (var i in r.Indicators)
                rows.Add(new()
                {
                    ["Đơn vị"] = u.Name, ["Mã chỉ tiêu"] = i.Code, ["Chỉ tiêu"] = i.Label, ["Đơn vị tính"] = i.MeasureUnit,
                    ["Kế hoạch"] = null, ["Thực hiện"] = u.Actuals[i.Code], ["Tỷ lệ (%)"] = null,
                });
        if (rows.Count == 0) rows.Add(new() { ["Đơn vị"] = r.UnitName, ["Mã chỉ tiêu"] = null, ["Chỉ tiêu"] = null, ["Đơn vị tính"] = null, ["Kế hoạch"] = null, ["Thực hiện"] = null, ["Tỷ lệ (%)"] = null });
        return rows;
    }

    static List<Dictionary<string, object?>> UnitRows(IndicatorReport r) => r.Units.Select(u => new Dictionary<string, object?>
    {
        ["Mã đơn vị"] = u.Code, ["Đơn vị"] = u.Name, ["Số hoạt động"] = u.Activities, ["Đã duyệt"] = u.Approved,
        ["Có báo cáo"] = u.Reporting ? "Có" : "Không", ["Hạn báo cáo tuần"] = u.ReportStatus == "late" ? "Trễ hạn" : "Đúng hạn",
    }).DefaultIfEmpty(new() { ["Mã đơn vị"] = null, ["Đơn vị"] = null, ["Số hoạt động"] = null, ["Đã duyệt"] = null, ["Có báo cáo"] = null, ["Hạn báo cáo tuần"] = null }).ToList();

    static List<Dictionary<string, object?>> ActivityRows(List<ActivityLine> list) => list.Select(a => new Dictionary<string, object?>
    {
        ["Mã"] = a.Id, ["Tên hoạt động"] = a.Name, ["Ngày"] = a.StartedOn.ToString("dd/MM/yyyy"), ["Chiến dịch"] = a.Campaign,
        ["Đơn vị"] = a.UnitCode, ["Lượt tham gia"] = a.Participants, ["Giờ tình nguyện"] = a.VolunteerHours,
        ["Người hưởng lợi"] = a.Beneficiaries, ["Kinh phí (VND)"] = a.MoneyVnd, ["Kết quả"] = a.Outputs,
    }).DefaultIfEmpty(new() { ["Mã"] = null, ["Tên hoạt động"] = null, ["Ngày"] = null, ["Chiến dịch"] = null, ["Đơn vị"] = null, ["Lượt tham gia"] = null,
        ["Giờ tình nguyện"] = null, ["Người hưởng lợi"] = null, ["Kinh phí (VND)"] = null, ["Kết quả"] = null }).ToList();

    static string Format(object? v) => v switch
    {
        null => "",
        decimal d => d.ToString("0.##", CultureInfo.InvariantCulture),
        IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };

    static string Csv(string? s)
    {
        s ??= "";
        // A leading = + - @ would run as a formula in a spreadsheet: quote it away.
        if (s.Length > 0 && "=+-@".Contains(s[0]) && !decimal.TryParse(s, NumberStyles.Number, CultureInfo.InvariantCulture, out _)) s = "'" + s;
        return s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
    }

    static string N(decimal? d) => d is { } v ? v.ToString("#,##0.##", Vi) : "—";
    static string E(string? s) => WebUtility.HtmlEncode(s ?? "");

    static string Html(string title, IndicatorReport r, List<ActivityLine> activities, List<ActivityPhoto> photos)
    {
        var h = new StringBuilder();
        h.Append($$"""
            <!doctype html>
            <html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{E(title)}} — {{E(r.UnitName)}}</title>
            <style>
              body { font: 14px/1.45 "Times New Roman", serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #111; }
              header { display: flex; justify-content: space-between; gap: 1rem; border-bottom: 2px solid #111; padding-bottom: .5rem; }
              header p { margin: 0; text-align: center; }
              h1 { text-align: center; font-size: 1.4rem; margin: 1.2rem 0 .2rem; text-transform: uppercase; }
              .period { text-align: center; margin: 0 0 1rem; }
              table { width: 100%; border-collapse: collapse; margin: .5rem 0 1.2rem; }
              th, td { border: 1px solid #444; padding: .3rem .4rem; vertical-align: top; }
              th { background: #eee; } td.num { text-align: right; white-space: nowrap; }
              .late { color: #b00; font-weight: bold; }
              .thumbs img { height: 72px; margin: 2px; border: 1px solid #999; }
              @media print { body { margin: 0; max-width: none; } .noprint { display: none; } }
            </style></head><body>
            <header><p><strong>{{E(r.UnitName)}}</strong><br>Mã đơn vị: {{E(r.UnitCode)}}</p>
              <p><strong>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</strong><br>Độc lập – Tự do – Hạnh phúc</p></header>
            <h1>{{E(title)}}</h1>
            <p class="period">{{(r.CampaignName is { } cn ? "Chiến dịch: " + E(cn) + " · " : "")}}Từ ngày {{r.From:dd/MM/yyyy}} đến ngày {{r.To:dd/MM/yyyy}}</p>
            <h2>I. Kết quả thực hiện chỉ tiêu</h2>
            <table><thead><tr><th>TT</th><th>Chỉ tiêu</th><th>Đơn vị tính</th><th>Kế hoạch</th><th>Thực hiện</th><th>Tỷ lệ (%)</th></tr></thead><tbody>
            """);
        foreach (var (i, n) in r.Indicators.Select((i, n) => (i, n + 1)))
            h.Append($"<tr><td>{n}</td><td>{E(i.Label)}</td><td>{E(i.MeasureUnit)}</td><td class=num>{N(i.Target)}</td><td class=num>{N(i.Actual)}</td><td class=num>{N(i.Percent)}</td></tr>\n");
        h.Append($"""
            </tbody></table>
            <p>Tỷ lệ hoạt động được ghi nhận trên cổng thông tin: <strong>{N(r.PortalShare.Percent)}%</strong> ({r.PortalShare.Part}/{r.PortalShare.Whole}).
               Tỷ lệ đơn vị có báo cáo: <strong>{N(r.UnitsReporting.Percent)}%</strong> ({r.UnitsReporting.Part}/{r.UnitsReporting.Whole}).
               Hạn báo cáo tuần gần nhất: {r.WeeklyDeadline:HH:mm dd/MM/yyyy}.</p>
            <h2>II. Tình hình báo cáo của đơn vị</h2>
            <table><thead><tr><th>Đơn vị</th><th>Số hoạt động</th><th>Đã duyệt</th><th>Báo cáo tuần</th></tr></thead><tbody>
            """);
        foreach (var u in r.Units)
            h.Append($"<tr><td>{E(u.Name)}</td><td class=num>{u.Activities}</td><td class=num>{u.Approved}</td><td class=\"{(u.ReportStatus == "late" ? "late" : "")}\">{(u.ReportStatus == "late" ? "Trễ hạn" : "Đúng hạn")}</td></tr>\n");
        h.Append("""
            </tbody></table>
            <h2>III. Các hoạt động đã được duyệt</h2>
            <table><thead><tr><th>Ngày</th><th>Hoạt động</th><th>Tham gia</th><th>Kết quả</th><th>Hình ảnh</th></tr></thead><tbody>
            """);
        foreach (var a in activities)
        {
            var thumbs = string.Concat(photos.Where(p => p.ActivityId == a.Id).Take(4)
                .Select(p => $"<img src=\"/api/photos/{p.Id}?size=thumb\" alt=\"Ảnh hoạt động {a.Id}\" loading=\"lazy\">"));
            var outputs = System.Text.Json.JsonDocument.Parse(a.Outputs).RootElement;
            var outputText = outputs.ValueKind == System.Text.Json.JsonValueKind.Object
                ? string.Join("; ", outputs.EnumerateObject().Select(p =>
                    r.Indicators.FirstOrDefault(i => i.Code == p.Name) is { } ind
                        ? $"{E(ind.Label)}: {(p.Value.ValueKind == System.Text.Json.JsonValueKind.Number && p.Value.TryGetDecimal(out var v) ? N(v) : E(p.Value.ToString()))} {E(ind.MeasureUnit)}"
                        : $"{E(p.Name)}: {E(p.Value.ToString())}")) : "";
            h.Append($"<tr><td>{a.StartedOn:dd/MM/yyyy}</td><td>{E(a.Name)}{(a.Campaign is { } c ? "<br><small>" + E(c) + "</small>" : "")}</td>" +
                     $"<td class=num>{N(a.Participants)}</td><td>{outputText}</td><td class=thumbs>{thumbs}</td></tr>\n");
        }
        h.Append("</tbody></table><p class=\"noprint\"><button onclick=\"print()\">In báo cáo</button></p></body></html>");
        return h.ToString();
    }
}
