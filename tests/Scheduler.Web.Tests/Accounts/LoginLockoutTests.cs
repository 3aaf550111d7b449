using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;
using Scheduler.Web.Accounts;

namespace Scheduler.Web.Tests.Accounts;

/// <summary>
/// Failed logins lock a user name on an address, and an address that sprays many names; a locked-out login is a 429
/// with Retry-After. Across addresses a name is only slowed, so guessing never locks its owner out.
/// </summary>
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
    public async Task Wrong_passwords_from_one_address_do_not_lock_the_owner_out_on_another_address()
    {
        await using var app = App(perUser: 5, perAddress: 100);
        var network = ClientAddressFromHeader.On(app);
        using var attacker = ClientOn(network, "203.0.113.7");
        using var owner = ClientOn(network, "198.51.100.20");

        for (var i = 0; i < 5; i++)
        {
            (await LoginAsync(attacker, UserDirectory.AdminName, "guess")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        var refused = await LoginAsync(attacker, UserDirectory.AdminName, SchedulerApp.AdminPassword);
        var signedIn = await LoginAsync(owner, UserDirectory.AdminName, SchedulerApp.AdminPassword);

        refused.StatusCode.Should().Be(HttpStatusCode.TooManyRequests, "the guessing address stays locked, even with the right password");
        int.Parse(refused.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture).Should().BeInRange(1, (int)Duration.TotalSeconds);
        signedIn.StatusCode.Should().Be(HttpStatusCode.OK, "the owner on another address is slowed, never refused");
    }

    [Fact]
    public async Task Dashboard_sign_in_of_the_owner_works_on_another_address_while_the_guessing_address_gets_429()
    {
        await using var app = App(perUser: 3, perAddress: 100);
        var network = ClientAddressFromHeader.On(app);
        using var attacker = ClientOn(network, "203.0.113.8", browser: true);
        using var owner = ClientOn(network, "2001:db8:1:2::5", browser: true);

        for (var i = 0; i < 3; i++)
        {
            (await attacker.SignInAsync(TestUsers.Operator, "guess")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        var refused = await attacker.SignInAsync(TestUsers.Operator, TestUsers.Password);
        var signedIn = await owner.SignInAsync(TestUsers.Operator, TestUsers.Password);

        refused.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        refused.Headers.Contains("Retry-After").Should().BeTrue();
        signedIn.StatusCode.Should().Be(HttpStatusCode.Redirect);
        signedIn.Headers.Location!.ToString().Should().Be("/hangfire");
    }

    [Fact]
    public void A_lockout_holds_the_user_on_that_address_only_ends_after_its_duration_and_a_right_password_clears_it()
    {
        var clock = new ManualClock();
        var throttle = Throttle(clock, new() { MaxFailuresPerUser = 2, MaxFailuresPerAddress = 100, Duration = Duration });

        throttle.Failed("viewer", "10.0.0.1");
        throttle.Succeeded("viewer", "10.0.0.1");
        throttle.Failed("viewer", "10.0.0.1");
        throttle.RetryAfter("viewer", "10.0.0.1").Should().BeNull("the success in between cleared the first failure");

        throttle.Failed("viewer", "10.0.0.1");
        throttle.RetryAfter("viewer", "10.0.0.1").Should().Be(Duration);
        throttle.RetryAfter("viewer", "10.0.0.2").Should().BeNull("another address is not refused for this user");
        throttle.RetryAfter("operator", "10.0.0.1").Should().BeNull("another user on this address is not refused");
        clock.Now += Duration - TimeSpan.FromSeconds(1);
        throttle.RetryAfter("viewer", "10.0.0.1").Should().Be(TimeSpan.FromSeconds(1));
        clock.Now += TimeSpan.FromSeconds(1);
        throttle.RetryAfter("viewer", "10.0.0.1").Should().BeNull();
    }

    [Fact]
    public void Failures_from_many_addresses_slow_the_account_by_a_growing_capped_wait_and_never_refuse_it()
    {
        var clock = new ManualClock();
        var throttle = Throttle(clock, new() { AccountDelayStep = TimeSpan.FromMilliseconds(250), MaxAccountDelay = TimeSpan.FromSeconds(2), Duration = Duration });

        throttle.AccountDelay("admin").Should().Be(TimeSpan.Zero);
        throttle.Failed("admin", "10.0.0.1").Should().BeFalse();
        throttle.Failed("admin", "10.0.0.2").Should().BeFalse();
        throttle.AccountDelay("ADMIN").Should().Be(TimeSpan.FromMilliseconds(500), "names are counted case-insensitively");
        var reachedCap = Enumerable.Range(3, 100).Select(i => throttle.Failed("admin", $"10.0.1.{i}")).ToList();

        throttle.AccountDelay("admin").Should().Be(TimeSpan.FromSeconds(2));
        reachedCap.Count(reached => reached).Should().Be(1, "the cap is reported once, when it is reached");
        throttle.RetryAfter("admin", "10.0.9.9").Should().BeNull("an address that never failed is never refused");
        throttle.AccountDelay("operator").Should().Be(TimeSpan.Zero);
        clock.Now += Duration;
        throttle.AccountDelay("admin").Should().Be(TimeSpan.Zero, "the failures are forgotten after the window");
    }

    [Fact]
    public void A_right_password_ends_the_accounts_wait()
    {
        var throttle = Throttle(new ManualClock(), new());
        throttle.Failed("admin", "10.0.0.1");

        throttle.Succeeded("admin", "10.0.0.2");

        throttle.AccountDelay("admin").Should().Be(TimeSpan.Zero);
    }

    [Fact]
    public void A_flood_of_made_up_names_and_addresses_stays_within_the_cap_and_keeps_the_locks_it_has()
    {
        var throttle = Throttle(new ManualClock(), new() { MaxFailuresPerUser = 5, MaxFailuresPerAddress = 3, MaxTrackedEntries = 1_000, Duration = Duration });
        for (var i = 0; i < 3; i++)
        {
            throttle.Failed("x" + i, "192.0.2.1");
        }

        for (var i = 0; i < 20_000; i++)
        {
            throttle.Failed(new string('n', 100) + i, $"10.{i / 65_536}.{i / 256 % 256}.{i % 256}");
        }

        throttle.TrackedEntries.Should().BeLessThanOrEqualTo(1_000 + 3, "each failure adds three entries at most before the table is trimmed");
        throttle.RetryAfter("anyone", "192.0.2.1").Should().NotBeNull("locks are the last thing forgotten");
    }

    [Theory]
    [InlineData("2001:db8:1:2::5", "2001:db8:1:2:ffff::9", true)]
    [InlineData("2001:db8:1:2::5", "2001:db8:1:3::5", false)]
    [InlineData("::ffff:192.0.2.1", "192.0.2.1", true)]
    [InlineData("192.0.2.1", "192.0.2.2", false)]
    public void IPv6_clients_are_counted_by_their_64_bit_network_and_mapped_IPv4_as_IPv4(string first, string second, bool same)
    {
        var keys = new[] { first, second }.Select(a => ClientAddress.KeyOf(IPAddress.Parse(a))).ToList();

        (keys[0] == keys[1]).Should().Be(same, $"{keys[0]} and {keys[1]}");
    }

    [Theory]
    [InlineData("00:00:11", 50_000)]
    [InlineData("00:00:02", 99)]
    public void A_lockout_configuration_outside_its_limits_is_refused_at_start(string maxAccountDelay, int maxTrackedEntries)
    {
        var options = new AuthOptions { Lockout = new() { MaxAccountDelay = TimeSpan.Parse(maxAccountDelay, CultureInfo.InvariantCulture), MaxTrackedEntries = maxTrackedEntries } };

        var result = new AuthOptionsValidator(new HostingEnvironment { EnvironmentName = "Development" }).Validate(null, options);

        result.Failed.Should().BeTrue();
        result.FailureMessage.Should().Contain("Auth:Lockout:");
    }

    private static SchedulerApp App(int perUser, int perAddress) => new(TestUsers.Settings(new Dictionary<string, string?>
    {
        ["Scheduler:WorkerCount"] = "0",
        ["Auth:Lockout:MaxFailuresPerUser"] = perUser.ToString(CultureInfo.InvariantCulture),
        ["Auth:Lockout:MaxFailuresPerAddress"] = perAddress.ToString(CultureInfo.InvariantCulture),
        ["Auth:Lockout:Duration"] = Duration.ToString(),
    }));

    private static LoginThrottle Throttle(TimeProvider clock, LoginLockoutOptions lockout) => new(Options.Create(new AuthOptions { Lockout = lockout }), clock);

    /// <summary>A client whose requests come from <paramref name="address"/>, as if over the network.</summary>
    private static HttpClient ClientOn(WebApplicationFactory<Program> app, string address, bool browser = false)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = !browser, HandleCookies = true });
        client.DefaultRequestHeaders.Add(ClientAddressFromHeader.Header, address);
        return client;
    }

    private static Task<HttpResponseMessage> LoginAsync(HttpClient client, string user, string password) =>
        client.PostAsJsonAsync("/api/account/login", new { user, password });

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 11, 28, 4, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
