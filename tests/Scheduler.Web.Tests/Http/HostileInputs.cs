using System.Text.Json.Nodes;
using static Scheduler.Web.Tests.Http.HostileInput;

namespace Scheduler.Web.Tests.Http;

/// <summary>The corpus of hostile inputs sent to every endpoint by <see cref="HostileInputTests"/>.</summary>
public static class HostileInputs
{
    public const int Mebibyte = 1024 * 1024;

    /// <summary>Odd text, each put in the route values, the query string and every string of a body, in three requests.</summary>
    public static readonly IReadOnlyList<(string Name, string Text)> OddTexts =
    [
        ("empty text", ""),
        ("NUL", "a\0b"),
        ("lone high surrogate", "a\ud800b"),
        ("lone low surrogate", "\udc00"),
        ("right-to-left override", "\u202Egpj.exe"),
        ("4-byte emoji", "\U0001F4C1\U0001F600"),
        ("BOM and zero-width space", "\uFEFF\u200B"),
        ("control characters", "\u0001\u001b[31m\t"),
        ("CR LF header injection", "x\r\nSet-Cookie: a=b"),
        ("path traversal", "../../etc/passwd"),
        ("Windows path traversal", "..\\..\\windows\\win.ini"),
        ("absolute path", "/etc/passwd"),
        ("encoded path traversal", "%2e%2e%2f%2e%2e%2fetc%2fpasswd"),
        ("10,000 parentheses", new string('(', 10_000) + "1" + new string(')', 10_000)),
        ("SQL", "' OR 1=1; DROP TABLE scheduler.job_runs; --"),
        ("markup", "<script>alert(1)</script>"),
        ("template references", "${Variables.sourceFilePath}${RunDataflow1.outputPath}${"),
        ("huge integer", "99999999999999999999999"),
        ("huge float", "1e400"),
        ("negative number", "-1"),
        ("format string", "{0}{1}%s%n%x"),
        ("60,000 characters", new string('x', 60_000)),

        // PostgreSQL compresses a run of one letter: this one overflows an index entry (about 2,700 bytes).
        ("3,000 random characters", new string([.. new Random(3000).GetItems("abcdefghijklmnopqrstuvwxyz0123456789".AsSpan(), 3000)])),
    ];

    /// <summary>Each odd text in the route values and query string with a body of it everywhere, as a run parameter, and in a workflow.</summary>
    public static IReadOnlyList<HostileInput> Texts { get; } = [.. OddTexts.SelectMany(TextInputs)];

    /// <summary>Inputs that once overflowed the stack of a recursive parser, which no catch can stop, and ended the process.</summary>
    private static IReadOnlyList<HostileInput> ParserBombs { get; } =
    [
        new("dataflow with a 10,000-parenthesis filter expression", Body: Utf8(Dataflow(new string('(', 10_000) + "true" + new string(')', 10_000)))),
        new("schedule with a cron list of 30,000 values (fits the body cap)", Body: Utf8(
            $$"""{"workflow":"local-orders-import","cron":"{{string.Join(',', Enumerable.Repeat("0", 30_000))}} * * * *"}""")),
    ];

    /// <summary>Every input of the corpus.</summary>
    public static IReadOnlyList<HostileInput> All { get; } = [.. Texts, .. Structural(), .. ParserBombs];

    private static IEnumerable<HostileInput> TextInputs((string Name, string Text) text)
    {
        var (name, value) = text;
        var literal = Literal(value);

        // A NUL in the path is refused by the server before routing (and by the test server's client): the query has it.
        var route = Escape(value.Replace("\0", "", StringComparison.Ordinal));
        var query = value.Length > 1000
            ? $"workflow={Escape(value)}"
            : $"status={Escape(value)}&workflow={Escape(value)}&limit={Escape(value)}&createdFrom={Escape(value)}&version={Escape(value)}&returnUrl={Escape(value)}&{Escape(value)}={Escape(value)}";
        yield return new($"{name} everywhere", route.Length > 0 ? route : UnknownId, query, Utf8($$"""
            {"workflow":{{literal}},"cron":{{literal}},"timeZone":{{literal}},"user":{{literal}},"password":{{literal}},"rememberMe":{{literal}},
             "name":{{literal}},"description":{{literal}},"enabled":true,
             "parameters":[{"actionName":{{literal}},"parameters":{{literal}},"value":{{literal}}}],{{literal}}:{{literal}}}
            """));
        yield return new($"{name} as a run parameter value", Body: Utf8($$"""
            {"workflow":"local-orders-import","cron":"0 2 * * *","user":"hostile","password":"hostile",
             "parameters":[{"actionName":"Variables","parameters":"sourceFilePath","value":{{literal}}}]}
            """));
        var workflow = DefinitionsClient.SampleWorkflow("local-orders-import", value.Replace("\0", "", StringComparison.Ordinal));
        workflow["description"] = value;
        workflow["variables"]![0]!["default"] = value;
        yield return new($"{name} in a workflow definition", route.Length > 0 ? route : UnknownId, Body: Utf8(workflow.ToJsonString()));
    }

    private static IEnumerable<HostileInput> Structural()
    {
        var deepArrays = new string('[', 10_000) + new string(']', 10_000);
        yield return new("10,000 nested arrays", Body: Utf8(deepArrays));
        yield return new("10,000 nested objects", Body: Utf8(string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000)));
        yield return new("10,000 nested arrays as a parameter value", Body: Utf8(
            $$"""{"workflow":"local-orders-import","parameters":[{"actionName":"Variables","parameters":"sourceFilePath","value":{{deepArrays}}}]}"""));
        yield return new("huge numbers in typed fields", Body: Utf8(
            """{"workflow":1e400,"parameters":99999999999999999999999,"rememberMe":99999999999999999999999,"enabled":1e400,"cron":-1e400,"user":1e400}"""));
        yield return new("huge numbers as parameter values", Body: Utf8(
            """{"workflow":"local-orders-import","parameters":[{"actionName":"Variables","parameters":"sourceFilePath","value":1e400},{"actionName":"RunDataflow1","parameters":"dataflow","value":99999999999999999999999}]}"""));
        yield return new("wrong types everywhere", Body: Utf8(
            """{"workflow":[],"parameters":{},"cron":true,"timeZone":{},"enabled":"maybe","user":[],"password":{},"rememberMe":"perhaps","name":1,"tasks":"none","variables":7}"""));
        yield return new("parameters of every kind", Body: Utf8(
            """{"workflow":"local-orders-import","parameters":[null,1,"x",[],{},{"actionName":null,"parameters":[],"value":{}}]}"""));
        yield return new("101 parameters", Body: Utf8(
            $$"""{"workflow":"local-orders-import","parameters":[{{string.Join(',', Enumerable.Repeat("""{"actionName":"Variables","parameters":"sourceFilePath","value":"a"}""", 101))}}]}"""));
        yield return new("1 MiB parameter value", Body: Utf8(
            $$"""{"workflow":"local-orders-import","parameters":[{"actionName":"Variables","parameters":"sourceFilePath","value":"{{new string('x', Mebibyte)}}"}]}"""));
        yield return new("1 MiB workflow name", Body: Utf8($$"""{"workflow":"{{new string('x', Mebibyte)}}","user":"{{new string('x', Mebibyte)}}"}"""));
        yield return new("cron list of 300,000 values", Body: Utf8(
            $$"""{"workflow":"local-orders-import","cron":"{{string.Join(',', Enumerable.Repeat("0", 300_000))}} * * * *"}"""));
        yield return new("null body", Body: Utf8("null"));
        yield return new("array body", Body: Utf8("[]"));
        yield return new("string body", Body: Utf8("\"text\""));
        yield return new("number body", Body: Utf8("1e400"));
        yield return new("empty body", Body: []);
        yield return new("1 MiB of whitespace", Body: Utf8(new string(' ', Mebibyte)));
        yield return new("not JSON", Body: Utf8("{{{{ not json"));
        yield return new("truncated JSON", Body: Utf8("{\"workflow\":\"loc"));
        yield return new("bytes that are not UTF-8", Body: [.. Utf8("{\"workflow\":\""), 0xFF, 0xFE, 0xC0, 0xAE, .. Utf8("\",\"user\":\""), 0xED, 0xA0, 0x80, .. Utf8("\"}")]);
        yield return new("duplicate keys", Body: Utf8("""{"workflow":"a","workflow":"local-orders-import","user":"a","user":"b"}"""));
        yield return new("JSON with comments", Body: Utf8("/* hello */ {\"workflow\":\"local-orders-import\"} // bye"));
        yield return new("JSON sent as text/plain", Body: Utf8("{\"workflow\":\"local-orders-import\"}"), ContentType: "text/plain");
        yield return new("form body", Body: Utf8("user=admin&password=x&returnUrl=//evil.example"), ContentType: "application/x-www-form-urlencoded");
        yield return new("unknown content type", Body: Utf8("<x/>"), ContentType: "application/x-hostile");
        yield return new("1 MiB Idempotency-Key", HeaderName: "Idempotency-Key", HeaderValue: new string('k', Mebibyte));
        yield return new("1 MiB custom header", HeaderName: "X-Hostile", HeaderValue: new string('h', Mebibyte));
        yield return new("1 MiB bearer token", HeaderName: "Authorization", HeaderValue: "Bearer " + new string('t', Mebibyte));
        yield return new("unsigned alg-none token", HeaderName: "Authorization",
            HeaderValue: "Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJhZG1pbiIsInJvbGUiOiJBZG1pbiJ9.");
        yield return new("basic credentials", HeaderName: "Authorization", HeaderValue: "Basic YWRtaW46YWRtaW4=");
        yield return new("garbage dashboard cookie", HeaderName: "Cookie", HeaderValue: ".Scheduler.Dashboard=" + new string('g', 4000));
        yield return new("route: encoded traversal", "%2e%2e%2f%2e%2e%2fetc%2fpasswd");
        yield return new("route: traversal", "..%2F..%2F..%2Fetc%2Fpasswd");
        yield return new("route: dot segments", "../../etc/passwd");
        yield return new("route: bytes that are not UTF-8", "%FF%FE%C0%AE%ED%A0%80");
        yield return new("route: non-numeric id", "not-a-number");
        yield return new("route: huge id", "99999999999999999999999");
        yield return new("route: negative id", "-1");
        yield return new("route: zero", "0");
        yield return new("route: float id", "1.5e400");
        yield return new("route: 60,000 characters", new string('r', 60_000));
        yield return new("query: odd numbers", Query: "limit=1e400&offset=99999999999999999999999&version=99999999999999999999999&createdFrom=99999-99-99T99:99&createdTo=-1&status=999");
        yield return new("query: one key 6,000 times", Query: string.Join('&', Enumerable.Repeat("status=Queued", 6_000)));
        yield return new("query: returnUrl elsewhere", Query: "returnUrl=%2F%2Fevil.example&ReturnUrl=https%3A%2F%2Fevil.example");
    }

    private static string Dataflow(string expression)
    {
        var dataflow = JsonNode.Parse(File.ReadAllText(SchedulerApp.RepositoryFolder(Path.Combine("samples", "dataflows", "orders-to-csv.json"))))!.AsObject();
        dataflow["name"] = "hostile-expression";
        dataflow["transforms"] = new JsonArray(new JsonObject { ["type"] = "Filter", ["expression"] = expression });
        return dataflow.ToJsonString();
    }
}
