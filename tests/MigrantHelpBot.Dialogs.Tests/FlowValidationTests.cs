using MigrantHelpBot.Dialogs.Engine;
using MigrantHelpBot.Dialogs.Flows;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Dialogs.Tests;

public class FlowValidationTests
{
    [Fact]
    public void Every_flow_in_dialogs_is_valid_against_every_locale()
    {
        Assert.Empty(FlowValidator.Validate(Catalog.Flows, Catalog.Real, DialogRun.Actions, Commands.Names));
    }

    [Fact]
    public void Every_flow_is_valid_against_the_english_source()
    {
        Assert.Empty(FlowValidator.Validate(Catalog.Flows, Catalog.English, DialogRun.Actions, Commands.Names));
    }

    [Fact]
    public void Broken_flows_are_reported_with_file_and_step()
    {
        using var temporary = new TemporaryDirectory();
        var directory = temporary.Path;
        File.WriteAllText(Path.Combine(directory, "broken.yaml"), """
            id: broken
            version: 1
            start: a
            steps:
              a:
                say: [no.such.key]
                next: b
              b:
                if:
                  - when: {slot: nobody_fills_this, equals: x}
                    next: c
                else: a
              c:
                action: teleport
                next: d
              d:
                call: missing_flow
                next: nowhere
              orphan:
                end: true
            """);
        var flows = FlowCatalog.Load(directory);

        var problems = FlowValidator.Validate(flows, Catalog.English, DialogRun.Actions, Commands.Names);

        Assert.Contains(problems, p => p.Contains("uses text 'no.such.key'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("tests slot 'nobody_fills_this'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("runs action 'teleport'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("names flow 'missing_flow'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("goes to 'nowhere'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("step 'orphan' cannot be reached", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("the flow can never end", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("there is no 'main' flow", StringComparison.Ordinal));
    }

    [Fact]
    public void A_structurally_wrong_step_fails_to_load_with_its_name()
    {
        using var temporary = new TemporaryDirectory();
        var directory = temporary.Path;
        File.WriteAllText(Path.Combine(directory, "bad.yaml"), "id: bad\nversion: 1\nsteps:\n  a:\n    say: [x]\n    ask: text\n");

        var error = Assert.Throws<InvalidDataException>(() => FlowCatalog.Load(directory));
        Assert.Contains("step 'a' must have exactly one of", error.Message, StringComparison.Ordinal);
    }
}
