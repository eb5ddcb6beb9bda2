using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/MigrantHelpBot.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

/// <summary>The entry point (BenchmarkSwitcher finds the benchmark classes in this assembly).</summary>
public partial class Program;
