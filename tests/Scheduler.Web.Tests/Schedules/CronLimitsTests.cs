using Scheduler.Web.Http;
using Scheduler.Web.Schedules;

namespace Scheduler.Web.Tests.Schedules;

/// <summary>A schedule's cron is held to its limits before Cronos parses it, and to the scheduler's polling floor after.</summary>
public sealed class CronLimitsTests
{
    [Theory]
    [InlineData(300_000, "characters long; the limit is 200 (CronLimits.MaxLength)")]
    [InlineData(61, "field 1 of the cron expression lists 61 values; the limit is 60 per field (CronLimits.MaxListValues)")]
    public void Cron_with_too_long_a_list_is_refused_naming_the_limit_before_it_is_parsed(int values, string says)
    {
        var problems = new ProblemList();

        var cron = ScheduleTiming.CheckCron(string.Join(',', Enumerable.Repeat("1", values)) + " * * * *", problems);

        cron.Should().BeNull();
        problems.ToDictionary()["cron"].Should().ContainSingle().Which.Should().Contain(says);
    }

    [Theory]
    [InlineData("* * * * * *", "fires 1 s apart")]
    [InlineData("*/5 * * * * *", "fires 5 s apart")]
    [InlineData("0,14 * * * * *", "fires 14 s apart")]
    [InlineData("0,50 * * * * *", "fires 10 s apart")]
    public void Cron_firing_closer_than_the_polling_interval_is_refused_with_the_floor(string cron, string says)
    {
        var problems = new ProblemList();

        ScheduleTiming.CheckCron(cron, problems).Should().BeNull();

        problems.ToDictionary()["cron"].Should().ContainSingle().Which.Should().Contain(says).And.Contain("at least 15 s apart (CronLimits.MinimumInterval)");
    }

    [Theory]
    [InlineData("*/15 * * * * *")]
    [InlineData("0,30 * * * * *")]
    [InlineData("5 * * * * *")]
    [InlineData("* * * * *")]
    [InlineData("0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59 * * * *")]
    public void Cron_within_the_limits_is_kept(string cron)
    {
        var problems = new ProblemList();

        ScheduleTiming.CheckCron(cron, problems).Should().Be(cron);

        problems.Count.Should().Be(0);
    }
}
