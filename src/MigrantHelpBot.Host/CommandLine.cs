using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.Extensions.Options;
using MigrantHelpBot.Dialogs.Flows;
using MigrantHelpBot.Directory;
using MigrantHelpBot.Directory.Matching;
using MigrantHelpBot.Directory.Organizations;
using MigrantHelpBot.Handoff.Staff;
using MigrantHelpBot.Language.Triage;

namespace MigrantHelpBot.Host;

/// <summary>
/// Commands the host runs instead of serving: <c>triage "text"</c> prints the classifier's JSON;
/// <c>validate</c> checks every flow, locale file, triage lexicon and the seed directory; <c>directory …</c> and <c>apikey …</c> are the directory's (DirectoryCommands); <c>staff …</c> manages staff accounts (StaffCommands). Both load what the host loads, from the same configuration.
/// </summary>
internal static class CommandLine
{
    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is "triage" or "validate" || DirectoryCommands.IsCommand(args) || StaffCommands.IsCommand(args);

    public static int Run(WebApplication app, string[] args)
    {
        if (DirectoryCommands.IsCommand(args)) return DirectoryCommands.RunAsync(app.Services, args, Console.Out, Console.Error).GetAwaiter().GetResult();
        if (StaffCommands.IsCommand(args)) return StaffCommands.RunAsync(app.Services, args, Console.Out, Console.Error).GetAwaiter().GetResult();
        try
        {
            switch (args[0])
            {
                case "triage":
                    if (args.Length < 2 || string.IsNullOrWhiteSpace(args[1]))
                    {
                        Console.Error.WriteLine("usage: triage \"text to classify\" [locale]");
                        return 2;
                    }
                    var result = app.Services.GetRequiredService<TriageClassifier>().Classify(args[1], args.Length > 2 ? args[2] : null);
                    var options = new JsonSerializerOptions(TriageJsonContext.Default.Options) { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All), WriteIndented = true };
                    Console.WriteLine(JsonSerializer.Serialize(result, options.GetTypeInfo(typeof(TriageResult))));
                    return 0;
                default:
                    // Resolving the flow catalog loads and validates every flow against every locale;
                    // resolving the classifier loads every triage lexicon.
                    var flows = app.Services.GetRequiredService<FlowCatalog>();
                    var lexicons = app.Services.GetRequiredService<TriageClassifier>().Lexicons.Count;
                    app.Services.GetRequiredService<RoutingTexts>();
                    var seed = app.Services.GetRequiredService<IOptions<DirectoryOptions>>().Value.ResolvedSeedFile;
                    var organizations = File.Exists(seed) ? DirectoryFile.Load(seed, app.Services.GetRequiredService<Dialogs.Data.Prefectures>()).Count : 0;
                    Console.WriteLine($"OK: {flows.Flows.Count} flows, every text key in every locale, every step reachable, every path ends; {lexicons} triage lexicons; routing texts; {organizations} organisations in the seed directory.");
                    return 0;
            }
        }
        catch (InvalidDataException problem)
        {
            Console.Error.WriteLine(problem.Message);
            return 1;
        }
    }
}
