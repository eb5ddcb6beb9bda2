using System.Text.RegularExpressions;
using System.Xml.Linq;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Host.Tests;

/// <summary>
/// What the container image needs, checked against deploy/Dockerfile (there is no Docker engine in
/// the test environment to build it): every project the host depends on is restored, and every
/// folder it reads at run time is copied.
/// </summary>
public partial class DeploymentTests
{
    private static readonly string Dockerfile = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "deploy", "Dockerfile"));

    [Fact]
    public void The_image_restores_every_project_the_host_depends_on()
    {
        var projects = new SortedSet<string>(StringComparer.Ordinal);
        Collect(Path.Combine(RepositoryPaths.Root, "src", "MigrantHelpBot.Host", "MigrantHelpBot.Host.csproj"), projects);

        Assert.All(projects, project => Assert.Contains($"COPY src/{project}/{project}.csproj src/{project}/", Dockerfile, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("locales")]
    [InlineData("dialogs")]
    public void The_image_copies_the_folders_the_host_reads(string folder) =>
        Assert.Matches(new Regex($"^COPY {folder}/ {folder}/$", RegexOptions.Multiline), Dockerfile);

    [Fact]
    public void The_key_files_live_on_a_volume_that_outlives_the_container()
    {
        Assert.Matches(new Regex("^VOLUME /data$", RegexOptions.Multiline), Dockerfile);
        Assert.Matches(new Regex(@"Storage__Encryption__KeyFile=/data/\S+", RegexOptions.Multiline), Dockerfile);
        var compose = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "deploy", "compose.yaml"));
        Assert.Matches(new Regex(@"^\s+- botdata:/data$", RegexOptions.Multiline), compose);
        Assert.Matches(new Regex(@"^  botdata:$", RegexOptions.Multiline), compose);
    }

    private static void Collect(string csproj, SortedSet<string> projects)
    {
        if (!projects.Add(Path.GetFileNameWithoutExtension(csproj))) return;
        foreach (var reference in XDocument.Load(csproj).Descendants("ProjectReference"))
        {
            var include = reference.Attribute("Include")!.Value.Replace('\\', Path.DirectorySeparatorChar);
            Collect(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(csproj)!, include)), projects);
        }
    }
}
