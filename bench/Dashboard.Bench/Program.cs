using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

// Usage (bench/dashboard.sh drives it): ADDRESS ADMIN_PASSWORD [TASKS] [ROUNDS]
// Saves a workflow of TASKS tasks, runs it to its end, signs in to the dashboard and times the job page (Hangfire's
// page with the graph, the timeline, the steps and the log), the live block alone and the workflow's page.
// Exits with 1 when the job page's median is a second or more.
if (args is not [var address, var password, ..])
{
    Console.Error.WriteLine("usage: ADDRESS ADMIN_PASSWORD [TASKS] [ROUNDS]");
    return 2;
}

var invariant = CultureInfo.InvariantCulture;
var tasks = args.Length > 2 ? int.Parse(args[2], invariant) : 200;
var rounds = args.Length > 3 ? int.Parse(args[3], invariant) : 20;
var name = $"bench-{tasks}-tasks";

using var api = new HttpClient { BaseAddress = new Uri(address) };
var login = await api.PostAsJsonAsync("/api/account/login", new { user = "admin", password });
login.EnsureSuccessStatusCode();
api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
    "Bearer", (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString());

var saved = await api.PutAsync($"/api/workflows/{name}", new StringContent(Workflow(name, tasks), Encoding.UTF8, "application/json"));
if (!saved.IsSuccessStatusCode)
{
    Console.Error.WriteLine($"saving the workflow failed: {(int)saved.StatusCode} {await saved.Content.ReadAsStringAsync()}");
    return 1;
}

var started = await api.PostAsJsonAsync("/api/jobs", new { workflow = name, parameters = Array.Empty<object>() });
started.EnsureSuccessStatusCode();
var jobId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetString()!;
var ran = Stopwatch.StartNew();
string status;
do
{
    await Task.Delay(200);
    status = (await api.GetFromJsonAsync<JsonElement>($"/api/jobs/{jobId}/status")).GetProperty("status").GetString()!;
}
while (status is not ("Completed" or "Failed" or "Cancelled") && ran.Elapsed < TimeSpan.FromMinutes(5));
Console.WriteLine($"job {jobId} of {tasks} tasks: {status} after {ran.Elapsed.TotalSeconds:F1} s");

using var dashboard = await SignInAsync(new Uri(address), password);
var jobPage = await TimeAsync(dashboard, $"/hangfire/jobs/details/{jobId}", rounds, tasks);
await TimeAsync(dashboard, $"/hangfire/workflow-jobs/{jobId}/live", rounds, tasks);
await TimeAsync(dashboard, $"/hangfire/workflows/{name}", rounds, tasks);
Console.WriteLine(jobPage < 1000 ? "PASS: the job page renders in under a second" : "FAIL: the job page took a second or more");
return jobPage < 1000 ? 0 : 1;

// Decision tasks need no connection. Ten to a level, each after the task one level up; every seventh waits for its
// upstream to be false, so that it and what follows it are skipped and the page shows more than one colour.
static string Workflow(string name, int count)
{
    var items = Enumerable.Range(0, count).Select(i =>
    {
        var dependsOn = i < 10 ? "" : i % 7 == 0
            ? $",\"dependsOn\":[{{\"task\":\"Task{i - 10:000}\",\"on\":\"false\"}}]"
            : $",\"dependsOn\":[\"Task{i - 10:000}\"]";
        return $"{{\"name\":\"Task{i:000}\",\"type\":\"Decision\"{dependsOn},\"inputs\":{{\"expression\":\"true\"}}}}";
    });
    return $"{{\"name\":\"{name}\",\"maxParallelism\":8,\"tasks\":[{string.Join(',', items)}]}}";
}

// The dashboard's sign-in form with its anti-forgery token, as a browser fills it.
static async Task<HttpClient> SignInAsync(Uri address, string password)
{
    var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = address };
    var form = await client.GetStringAsync("/account/login");
    var token = Regex.Match(form, "<input type=\"hidden\" name=\"(?<name>[^\"]+)\" value=\"(?<value>[^\"]+)\">");
    var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
    {
        [WebUtility.HtmlDecode(token.Groups["name"].Value)] = WebUtility.HtmlDecode(token.Groups["value"].Value),
        ["returnUrl"] = "/hangfire",
        ["user"] = "admin",
        ["password"] = password,
    }));
    if (response.StatusCode != HttpStatusCode.Redirect)
    {
        throw new InvalidOperationException($"the dashboard sign-in answered {(int)response.StatusCode}");
    }

    return client;
}

// Three untimed requests first (JIT, caches), then ROUNDS timed ones, each read to its end; the median in ms.
static async Task<double> TimeAsync(HttpClient client, string path, int rounds, int tasks)
{
    var timings = new List<double>();
    var size = 0;
    for (var round = -3; round < rounds; round++)
    {
        var clock = Stopwatch.StartNew();
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        clock.Stop();
        if (response.StatusCode != HttpStatusCode.OK || Regex.Count(body, "<g class=\"task\"") != tasks)
        {
            throw new InvalidOperationException($"{path} answered {(int)response.StatusCode} without {tasks} task boxes");
        }

        size = body.Length;
        if (round >= 0)
        {
            timings.Add(clock.Elapsed.TotalMilliseconds);
        }
    }

    timings.Sort();
    var median = timings[timings.Count / 2];
    Console.WriteLine(FormattableString.Invariant(
        $"{path}: median {median:F0} ms, p90 {timings[(int)(timings.Count * 0.9)]:F0} ms, max {timings[^1]:F0} ms, min {timings[0]:F0} ms ({size / 1024} KiB, {rounds} rounds)"));
    return median;
}
