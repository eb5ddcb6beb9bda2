using MigrantHelpBot.Host;

var builder = WebApplication.CreateBuilder(args);
builder.AddMigrantHelpBot();

var app = builder.Build();
app.UseMigrantHelpBot();
app.Run();

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
