using MigrantHelpBot.LoadTest;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Dialogs.Tests;

/// <summary>The load tool and the benchmarks replay <see cref="ConsultationScript"/>: it must walk the real dialog, round after round.</summary>
public class LoadScriptTests
{
    [Fact]
    public async Task Every_step_of_the_load_script_is_understood_and_each_round_starts_fresh()
    {
        var locales = Catalog.Real;
        var c = Catalog.Conversation(locales: locales);
        string T(string key) => locales.Text("tl", key, _ => null);
        var retries = new[] { "retry.text", "retry.choice", "retry.yesno", "retry.number", "retry.prefecture", "retry.language" }.Select(T).ToList();

        var rounds = new List<List<string>>();
        for (var round = 0; round < 2; round++)
        {
            var texts = new List<string>();
            foreach (var message in ConsultationScript.Cycle)
            {
                var replies = (await c.SendAsync(message)).Texts();
                Assert.NotEmpty(replies);
                Assert.DoesNotContain(replies, retries.Contains);
                texts.AddRange(replies);
            }
            rounds.Add(texts);
        }

        Assert.Contains(T("first_contact.consent_ask"), rounds[0]);
        Assert.Contains(T("followup.wages.hourly_ask"), rounds[0]);
        Assert.Contains(T("commands.help.text"), rounds[0]);
        Assert.Equal(T("commands.delete.done"), rounds[0][^1]);
        Assert.Equal(rounds[0], rounds[1]); // deleting the data really started over
    }
}
