using Scheduler.Dataflows.Destinations;

namespace Scheduler.Dataflows.Tests.Destinations;

public sealed class PostgresTextTests
{
    [Theory]
    [InlineData("")]
    [InlineData("plain text")]
    [InlineData("Müller, Zoë")]
    [InlineData("a pair: \U0001F600 and one at the end \U0001F680")]
    public void Text_PostgreSQL_stores_passes_and_is_kept_as_it_is(string text)
    {
        PostgresText.Problem(text).Should().BeNull();
        PostgresText.Storable(text).Should().BeSameAs(text);
    }

    [Fact]
    public void Text_PostgreSQL_cannot_store_is_named_without_quoting_it()
    {
        // Built from code units: a lone surrogate in an attribute's string does not survive the test runner's serialisation.
        var cases = new (string Text, string Named)[]
        {
            ("a\0b", "NUL"),
            ("\0", "NUL"),
            ($"high alone {(char)0xD800} here", "U+D800"),
            ($"low alone {(char)0xDC00}", "U+DC00"),
            ($"\U0001F600 then a high at the end {(char)0xD83D}", "U+D83D"),
            ($"a lone {(char)0xDC00} before a \0", "NUL"),
        };

        foreach (var (text, named) in cases)
        {
            var problem = PostgresText.Problem(text);

            problem.Should().Contain(named);
            problem.Should().NotContain(text);
        }
    }

    [Fact]
    public void Storable_text_replaces_only_what_PostgreSQL_cannot_store()
    {
        var text = $"a\0b {(char)0xD800} \U0001F600 {(char)0xDC00}";

        var storable = PostgresText.Storable(text);

        storable.Should().Be("a\uFFFDb \uFFFD \U0001F600 \uFFFD");
        PostgresText.Problem(storable).Should().BeNull();
        PostgresText.FirstUnstorable(text).Should().Be(1);
        PostgresText.FirstUnstorable($"ok \U0001F600 {(char)0xD800}\0").Should().Be(6);
    }
}
