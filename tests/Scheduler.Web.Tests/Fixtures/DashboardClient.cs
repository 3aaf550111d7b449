using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Scheduler.Web.Tests.Fixtures;

/// <summary>What a browser does on the dashboard, over HTTP: keeps cookies, reads anti-forgery tokens from pages, posts forms.</summary>
public static partial class DashboardClient
{
    public static HttpClient CreateBrowserClient(this SchedulerApp app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>Fills in and posts the login form, the way a person does.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(this HttpClient client, string user, string password, string returnUrl = "/hangfire")
    {
        var page = await client.GetStringAsync($"/account/login?returnUrl={Uri.EscapeDataString(returnUrl)}");
        return await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = FormToken(page),
            ["returnUrl"] = returnUrl,
            ["user"] = user,
            ["password"] = password,
        }));
    }

    public static async Task<HttpClient> SignedInAsync(this SchedulerApp app, string user, string password)
    {
        var client = app.CreateBrowserClient();
        var response = await client.SignInAsync(user, password);
        response.StatusCode.Should().Be(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        return client;
    }

    public static string FormToken(string page) => FormTokenPattern().Match(page).Groups[1].Value;

    /// <summary>The token Hangfire's pages carry for their own POSTs (sent back in a header).</summary>
    public static (string Header, string Token) DashboardToken(string page)
    {
        var header = DashboardHeaderPattern().Match(page);
        var token = DashboardTokenPattern().Match(page);
        token.Success.Should().BeTrue("Hangfire's page carries an anti-forgery token");
        return (header.Groups[1].Value, WebUtility.HtmlDecode(token.Groups[1].Value));
    }

    /// <summary>The row of a page's table that carries <paramref name="attribute"/>="<paramref name="value"/>" (data-workflow, data-schedule).</summary>
    public static string Row(string page, string attribute, string value)
    {
        var row = Regex.Match(page, $"<tr [^>]*{Regex.Escape(attribute)}=\"{Regex.Escape(value)}\".*?</tr>", RegexOptions.Singleline);
        row.Success.Should().BeTrue($"the page has a row with {attribute}=\"{value}\"");
        return row.Value;
    }

    /// <summary>The content of the row's first cell whose attributes are exactly <paramref name="attributes"/> (<c>class="next-run-utc"</c>).</summary>
    public static string Cell(string row, string attributes)
    {
        var cell = Regex.Match(row, $"<td {Regex.Escape(attributes)}>(.*?)</td>", RegexOptions.Singleline);
        cell.Success.Should().BeTrue($"the row has a <td {attributes}> cell: {row}");
        return cell.Groups[1].Value;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex FormTokenPattern();

    [GeneratedRegex("<meta name=\"csrf-header\" content=\"([^\"]+)\"")]
    private static partial Regex DashboardHeaderPattern();

    [GeneratedRegex("<meta name=\"csrf-token\" content=\"([^\"]+)\"")]
    private static partial Regex DashboardTokenPattern();
}
