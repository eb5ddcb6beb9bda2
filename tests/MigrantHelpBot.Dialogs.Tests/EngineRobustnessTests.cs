using MigrantHelpBot.Dialogs.Flows;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Dialogs.Tests;

/// <summary>Deploys that change flows under a paused conversation, and flows that loop: never a crash, never a hang.</summary>
public class EngineRobustnessTests
{
    private static string T(string key) => Catalog.English.Text("en", key, _ => null);

    /// <summary>The flows of a copy of dialogs/ with <paramref name="edit"/> applied to every file (given its name and text).</summary>
    private static FlowCatalog Edited(Func<string, string, string> edit)
    {
        using var directory = new TemporaryDirectory();
        foreach (var source in Directory.EnumerateFiles(RepositoryPaths.Dialogs, "*.yaml", SearchOption.AllDirectories))
        {
            var target = Path.Combine(directory.Path, Path.GetRelativePath(RepositoryPaths.Dialogs, source));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllText(target, edit(Path.GetFileName(source), File.ReadAllText(source)));
        }
        return FlowCatalog.Load(directory.Path);
    }

    /// <summary>Version 2 of triage.yaml, its "confirm" step now called <paramref name="name"/> (declared in <c>renamed:</c> or not).</summary>
    private static FlowCatalog WithConfirmStepRenamed(string name, bool declared) => Edited((file, yaml) => file != "triage.yaml" ? yaml : yaml
        .Replace("version: 1", declared ? $"version: 2\nrenamed: {{confirm: {name}}}" : "version: 2", StringComparison.Ordinal)
        .Replace("  confirm:\n", $"  {name}:\n", StringComparison.Ordinal)
        .Replace("next: confirm\n", $"next: {name}\n", StringComparison.Ordinal));

    private static async Task<MemoryStateStore> PausedAtTheCategoryConfirmation()
    {
        var store = new MemoryStateStore();
        var c = Catalog.Conversation(store: store);
        await c.SendAsync("They did not pay my wages");
        var replies = await c.SendAsync("Yes");
        Assert.Equal("It sounds like this is about: Pay. Is that right?", replies[^1].Text);
        return store;
    }

    [Fact]
    public async Task A_renamed_step_resumes_where_the_worker_was()
    {
        var store = await PausedAtTheCategoryConfirmation();
        var c = Catalog.Conversation(flows: WithConfirmStepRenamed("confirm_category", declared: true), store: store);

        var replies = (await c.SendAsync("Yes")).Texts();

        Assert.Equal(T("intake.prefecture_ask"), replies[^1]);
        Assert.DoesNotContain(T("system.flow_changed"), replies);
    }

    [Fact]
    public async Task A_removed_step_restarts_its_flow_politely()
    {
        var store = await PausedAtTheCategoryConfirmation();
        var c = Catalog.Conversation(flows: WithConfirmStepRenamed("confirm_v2", declared: false), store: store);

        var replies = (await c.SendAsync("Yes")).Texts();

        Assert.Equal(T("system.flow_changed"), replies[0]);
        Assert.Equal(T("triage.ask_story"), replies[^1]);
    }

    [Fact]
    public async Task A_flow_that_no_longer_exists_is_dropped_and_the_conversation_starts_again()
    {
        var store = await PausedAtTheCategoryConfirmation();
        var flows = Edited((_, yaml) => yaml.Replace("id: triage\n", "id: triage_new\n", StringComparison.Ordinal).Replace("call: triage\n", "call: triage_new\n", StringComparison.Ordinal));
        var c = Catalog.Conversation(flows: flows, store: store);

        var replies = (await c.SendAsync("Yes")).Texts();

        Assert.Equal(T("system.flow_changed"), replies[0]);
        Assert.Equal(T("triage.ask_story"), replies[^1]);
    }

    [Fact]
    public async Task A_flow_that_loops_is_stopped_with_an_apology()
    {
        using var temporary = new TemporaryDirectory();
        var directory = temporary.Path;
        File.WriteAllText(Path.Combine(directory, "main.yaml"), """
            id: main
            version: 1
            start: a
            steps:
              a:
                if:
                  - when: {slot: never, set: true}
                    next: done
                else: b
              b:
                action: set
                args: {slot: x, value: "1"}
                next: a
              done:
                end: true
            """);
        var c = Catalog.Conversation(flows: FlowCatalog.Load(directory));

        var replies = (await c.SendAsync("hello")).Texts();

        Assert.Equal([T("system.loop_error")], replies);
        Assert.Equal([T("system.loop_error")], (await c.SendAsync("hello again")).Texts()); // and again, never a hang
    }
}
