using Microsoft.Playwright;

namespace ResourceMap.Bench;

/// <summary>
/// The web map in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright) over the generated teams:
/// the first render of the national view (navigation start to the point layers' clusters on screen, by the browser's
/// clock), then a user panning at zooms 6 to 9 — mouse drags of 300 px around five cities — timing every viewport
/// request the page makes (the clusters of each point layer shown, by Chromium's resource timing: request sent to last
/// byte) and the wait from releasing the mouse to the last of them answered (which includes the page's 120 ms pause
/// before it asks).
/// </summary>
public static class BrowserBench
{
    const string ChromiumPath = "/usr/bin/chromium";
    static readonly (string Name, double Lat, double Lon)[] Cities =
        [("Hà Nội", 21.03, 105.85), ("Đà Nẵng", 16.05, 108.2), ("TP Hồ Chí Minh", 10.78, 106.7), ("Cần Thơ", 10.03, 105.78), ("Huế", 16.46, 107.59)];
    static readonly (int Dx, int Dy)[] Drags = [(300, 0), (0, 300), (-300, 0), (0, -300)];

    public static async Task RunAsync(HttpClient http)
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"--suite browser needs {ChromiumPath} (apt-get install chromium); scripts/bench.sh installs it.");
        Console.WriteLine("-- browser: first render and panning at z6–z9 in headless Chromium (1366×768)");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Headless = true });
        var baseUrl = http.BaseAddress!.ToString().TrimEnd('/');

        // First render: once to warm the server (a deployment serves many visitors), then timed on a fresh page.
        var firstRender = new List<double>();
        for (var i = 0; i < 4; i++)
        {
            await using var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1366, Height = 768 } });
            var page = await context.NewPageAsync();
            await page.GotoAsync(baseUrl + "/#map=6/16.0/106.3");
            await page.WaitForFunctionAsync("document.body.classList.contains('ready') && document.querySelector('.leaflet-marker-pane [data-layer=teams], .leaflet-marker-pane [data-count-teams]')",
                null, new() { Timeout = 60_000 });
            if (i > 0) firstRender.Add(await page.EvaluateAsync<double>("performance.now()"));
        }
        Print("first render, national view z6", firstRender);

        var requests = new List<double>();
        var settles = new List<double>();
        for (var zoom = 6; zoom <= 9; zoom++)
        {
            var (zoomRequests, zoomSettles) = await PanAsync(browser, baseUrl, zoom);
            Print($"pan z{zoom}: viewport request", zoomRequests);
            Print($"pan z{zoom}: release → last answer", zoomSettles);
            requests.AddRange(zoomRequests);
            settles.AddRange(zoomSettles);
        }
        Print("pan z6–z9: viewport request", requests);
        Print("pan z6–z9: release → last answer", settles);
        Console.WriteLine($"  pan z6–z9: {requests.Count(ms => ms > 200)} of {requests.Count} viewport requests over 200 ms");
    }

    static async Task<(List<double> Requests, List<double> Settles)> PanAsync(IBrowser browser, string baseUrl, int zoom)
    {
        var requests = new List<double>();
        var settles = new List<double>();
        foreach (var city in Cities)
        {
            // A fresh page per city: the page is never navigated while its requests are counted.
            await using var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1366, Height = 768 } });
            var page = await context.NewPageAsync();
            var pending = new HashSet<IRequest>();
            var finished = new List<IRequest>();
            var lastAnswer = DateTime.MinValue;
            page.Request += (_, r) => { if (IsViewportRequest(r)) lock (pending) pending.Add(r); };
            page.RequestFinished += (_, r) =>
            {
                if (!IsViewportRequest(r)) return;
                lock (pending) { pending.Remove(r); finished.Add(r); lastAnswer = DateTime.UtcNow; }
            };
            page.RequestFailed += (_, r) => { lock (pending) pending.Remove(r); };
            int InFlight() { lock (pending) return pending.Count; }

            await page.GotoAsync(FormattableString.Invariant($"{baseUrl}/#map={zoom}/{city.Lat}/{city.Lon}"));
            await page.Locator("body.ready").WaitForAsync(new() { Timeout = 60_000 });
            await SettleAsync(InFlight);
            lock (pending) finished.Clear();
            var map = (await page.Locator("#map").BoundingBoxAsync())!;
            var (cx, cy) = (map.X + map.Width / 2, map.Y + map.Height / 2);
            foreach (var (dx, dy) in Drags)
            {
                await page.Mouse.MoveAsync((float)cx, (float)cy);
                await page.Mouse.DownAsync();
                await page.Mouse.MoveAsync((float)(cx - dx), (float)(cy - dy), new() { Steps = 8 });
                // Held still before release, as Leaflet then adds no inertia (it keeps 50 ms of positions): the map
                // stops where the drag did, and the requests that follow belong to this drag.
                await Task.Delay(100);
                var released = DateTime.UtcNow;
                await page.Mouse.UpAsync();
                await Task.Delay(400); // the page waits 120 ms after moveend before it asks
                await SettleAsync(InFlight);
                List<IRequest> answered;
                DateTime last;
                lock (pending) { answered = [.. finished]; finished.Clear(); last = lastAnswer; }
                if (answered.Count == 0) continue; // a drag that stayed inside the loaded area asks nothing
                foreach (var r in answered)
                    requests.Add(r.Timing.ResponseEnd);
                settles.Add((last - released).TotalMilliseconds);
            }
        }
        return (requests, settles);
    }

    static bool IsViewportRequest(IRequest r) => r.Url.Contains("/clusters?", StringComparison.Ordinal);

    static async Task SettleAsync(Func<int> inFlight)
    {
        var quietSince = DateTime.UtcNow;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (inFlight() > 0) quietSince = DateTime.UtcNow;
            else if (DateTime.UtcNow - quietSince > TimeSpan.FromMilliseconds(250)) return;
            await Task.Delay(25);
        }
        throw new TimeoutException("the map's viewport requests did not settle within 60 s");
    }

    static void Print(string what, List<double> values)
    {
        if (values.Count == 0) { Console.WriteLine($"  {what}: nothing measured"); return; }
        var sorted = values.Order().ToArray();
        Console.WriteLine($"  {what,-40} n {sorted.Length,4}  p50 {Measure.Percentile(sorted, 0.5),7:0.0} ms  " +
                          $"p95 {Measure.Percentile(sorted, 0.95),7:0.0} ms  max {sorted[^1],7:0.0} ms");
    }
}
