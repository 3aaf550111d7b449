using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Scheduler.Web.Accounts;

namespace Scheduler.Web.Tests;

/// <summary>Failed logins lock a user name, and an address that sprays many names; a locked-out login is a 429 with Retry-After.</summary>
public sealed class LoginLockoutTests
{
    private static readonly TimeSpan Duration = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task After_too_many_wrong_passwords_the_user_gets_429_with_Retry_After_even_with_the_right_password()
    {
        await using var app = App(perUser: 3, perAddress: 100);
        using var client = app.CreateClient();

        for (var i = 0; i < 3; i++)
        {
            (await LoginAsync(client, TestUsers.Viewer, "wrong")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        var locked = await LoginAsync(client, TestUsers.Viewer, TestUsers.Password);

        locked.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        locked.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var retryAfter = int.Parse(locked.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture);
        retryAfter.Should().BeInRange(1, (int)Duration.TotalSeconds);
        (await locked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString().Should().Contain($"{retryAfter} seconds");
        (await LoginAsync(client, TestUsers.Operator, TestUsers.Password)).StatusCode.Should().Be(HttpStatusCode.OK, "another user is not locked");
        app.LogLines.Should().Contain(line => line.Contains("Logins locked", StringComparison.Ordinal) && line.Contains(TestUsers.Viewer, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Wrong_passwords_across_many_names_lock_the_address_for_every_name()
    {
        await using var app = App(perUser: 100, perAddress: 3);
        using var client = app.CreateClient();

        foreach (var name in new[] { "alice", "bob", "carol" })
        {
            (await LoginAsync(client, name, "guess")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        var locked = await LoginAsync(client, TestUsers.Operator, TestUsers.Password);

        locked.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        locked.Headers.Contains("Retry-After").Should().BeTrue();
    }

    [Fact]
    public void A_lockout_ends_after_its_duration_and_a_right_password_clears_the_users_failures()
    {
        var clock = new ManualClock();
        var throttle = new LoginThrottle(Options.Create(new AuthOptions { Lockout = new() { MaxFailuresPerUser = 2, MaxFailuresPerAddress = 100, Duration = Duration } }), clock);

        throttle.Failed("viewer", "10.0.0.1");
        throttle.Succeeded("viewer");
        throttle.Failed("viewer", "10.0.0.1");
        throttle.RetryAfter("viewer", "10.0.0.1").Should().BeNull("the success in between cleared the first failure");

        throttle.Failed("viewer", "10.0.0.1");
        throttle.RetryAfter("viewer", "10.0.0.2").Should().Be(Duration, "the user is locked from every address");
        clock.Now += Duration - TimeSpan.FromSeconds(1);
        throttle.RetryAfter("viewer", "10.0.0.1").Should().Be(TimeSpan.FromSeconds(1));
        clock.Now += TimeSpan.FromSeconds(1);
        throttle.RetryAfter("viewer", "10.0.0.1").Should().BeNull();
    }

    private static SchedulerApp App(int perUser, int perAddress) => new(TestUsers.Settings(new Dictionary<string, string?>
    {
        ["Scheduler:WorkerCount"] = "0",
        ["Auth:Lockout:MaxFailuresPerUser"] = perUser.ToString(CultureInfo.InvariantCulture),
        ["Auth:Lockout:MaxFailuresPerAddress"] = perAddress.ToString(CultureInfo.InvariantCulture),
        ["Auth:Lockout:Duration"] = Duration.ToString(),
    }));

    private static Task<HttpResponseMessage> LoginAsync(HttpClient client, string user, string password) =>
        client.PostAsJsonAsync("/api/account/login", new { user, password });

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 11, 28, 4, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
