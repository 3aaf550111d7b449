using Scheduler.Web.Dashboard.WorkflowViews;
using Scheduler.Web.Definitions;

namespace Scheduler.Web.Tests.Dashboard.WorkflowViews;

public sealed class ReadableDefinitionTests
{
    [Fact]
    public void A_secret_variables_default_is_masked_whatever_the_case_of_its_members_and_unless_secret_is_false()
    {
        var lines = ReadableDefinition.Lines("""
            {"name":"w","variables":[
              {"name":"password","type":"string","secret":true,"default":"hunter2"},
              {"name":"token","type":"string","Secret":true,"DEFAULT":"s3cr3t-token"},
              {"name":"key","type":"string","secret":null,"default":"k3y-value"},
              {"name":"folder","type":"string","default":"in/orders"}],
             "tasks":[]}
            """);

        var text = string.Join('\n', lines);
        text.Should().NotContain("hunter2").And.NotContain("s3cr3t-token").And.NotContain("k3y-value").And.Contain("\"in/orders\"");
        lines.Count(l => l.Contains($"\"{SecretDefaults.Mask}\"", StringComparison.Ordinal)).Should().Be(3);
        lines.Should().HaveCountGreaterThan(10, "the document is indented, one value a line, so that a diff shows what changed");
    }

    [Fact]
    public void A_default_written_twice_is_masked_twice_and_a_damaged_document_shows_nothing_of_its_content()
    {
        string.Join('\n', ReadableDefinition.Lines("{\"variables\":[{\"secret\":false,\"Secret\":true,\"default\":\"a1b2\",\"Default\":\"hunter2\"}]}"))
            .Should().NotContain("a1b2").And.NotContain("hunter2");
        string.Join('\n', ReadableDefinition.Lines("{\"variables\":[{\"secret\":true,\"default\":\"a1b2\",\"default\":\"hunter2\"}]}"))
            .Should().NotContain("a1b2").And.NotContain("hunter2");
        ReadableDefinition.Lines("{not json hunter2").Should().Equal("(this version is not valid JSON)");
    }
}
