using MigrantHelpBot.Host;

var builder = WebApplication.CreateBuilder(args);
builder.AddMigrantHelpBot();

var app = builder.Build();
if (CommandLine.IsCommand(args)) return CommandLine.Run(app, args);

app.UseMigrantHelpBot();
app.Run();
return 0;

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
