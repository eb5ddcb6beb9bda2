using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using MigrantHelpBot.Directory;
using MigrantHelpBot.Directory.Access;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Host.Tests;

/// <summary>The directory API in the bot's host: roles, validation, edits with audit, matching, gaps; on both engines.</summary>
public class DirectoryApiTests
{
    public static TheoryData<Engine> Engines => [Engine.Sqlite, Engine.Postgres];

    private static async Task<(BotApplication App, string Admin, string Staff)> StartAsync(Engine engine)
    {
        var app = new BotApplication(await TestDatabase.CreateAsync(engine));
        app.CreateClient().Dispose();
        var keys = app.Services.GetRequiredService<ApiKeyStore>();
        var (_, admin) = await keys.CreateAsync("Coalition admin", "admin", null, CancellationToken.None);
        var (_, staff) = await keys.CreateAsync("Scrum staff", "staff", "scrum-union-hiroshima", CancellationToken.None);
        return (app, admin, staff);
    }

    private static HttpClient Client(BotApplication app, string? key)
    {
        var client = app.CreateClient();
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static JsonObject NewOrganization(string id = "test-union") => JsonNode.Parse($$"""
        {
          "id": "{{id}}",
          "names": {"ja": "テストユニオン", "en": "Test Union"},
          "kind": "union",
          "languages": {"native": ["vi"], "interpreter": ["tl"]},
          "prefectures": ["Gunma", "09"],
          "categories": ["unpaid_wages", "runaway_risk"],
          "specialties": ["unpaid_wages"],
          "intake": {"console": true, "webhookUrl": "https://union.example/hook"},
          "hours": [{"days": ["mon", "tue", "wed", "thu", "fri"], "open": "09:00", "close": "18:00"}],
          "capacity": 5,
          "load": 1,
          "source": "test",
          "lastVerified": "2026-11-20"
        }
        """)!.AsObject();

    [Theory, MemberData(nameof(Engines))]
    public async Task Reading_needs_a_key_and_editing_needs_the_admin_role(Engine engine)
    {
        var (app, admin, staff) = await StartAsync(engine);
        await using var _ = app;
        using var anonymous = Client(app, null);
        using var wrong = Client(app, "mhb_000000000000_notarealsecretnotarealsecret");
        using var staffClient = Client(app, staff);
        using var adminClient = Client(app, admin);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/directory/organizations")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/directory/match", Json("""{"language":"vi"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/api/directory/organizations")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/directory/organizations", Json(NewOrganization().ToJsonString()))).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await staffClient.GetAsync("/api/directory/organizations")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staffClient.PostAsync("/api/directory/organizations", Json(NewOrganization().ToJsonString()))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staffClient.PutAsync("/api/directory/organizations/smj", Json(NewOrganization("smj").ToJsonString()))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staffClient.DeleteAsync("/api/directory/organizations/smj")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staffClient.GetAsync("/api/directory/gaps")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await staffClient.GetAsync("/api/directory/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await adminClient.GetAsync("/api/directory/organizations/smj")).StatusCode);

        // Nothing changed by the refused requests.
        Assert.Equal(HttpStatusCode.NotFound, (await adminClient.GetAsync("/api/directory/organizations/test-union")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await adminClient.GetAsync("/api/directory/organizations/smj")).StatusCode);
    }

    [Theory, MemberData(nameof(Engines))]
    public async Task The_sample_directory_is_loaded_on_first_run_and_can_be_filtered(Engine engine)
    {
        var (app, _, staff) = await StartAsync(engine);
        await using var _ = app;
        using var client = Client(app, staff);
        var all = await client.GetFromJsonAsync<JsonArray>("/api/directory/organizations");
        Assert.True(all!.Count >= 20);
        var burmese = await client.GetFromJsonAsync<JsonArray>("/api/directory/organizations?language=my&category=unpaid_wages");
        Assert.Contains(burmese!, o => (string?)o!["id"] == "fwubc");
        Assert.All(burmese!, o => Assert.Contains("unpaid_wages", o!["categories"]!.AsArray().Select(c => (string?)c)));
        var hiroshima = await client.GetFromJsonAsync<JsonArray>("/api/directory/organizations?prefecture=34");
        Assert.Contains(hiroshima!, o => (string?)o!["id"] == "scrum-union-hiroshima");

        var bad = await client.GetAsync("/api/directory/organizations?language=xx&prefecture=Atlantis&category=money");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await bad.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(["category", "language", "prefecture"], problem!["errors"]!.AsObject().Select(e => e.Key).Order());
    }

    [Theory, MemberData(nameof(Engines))]
    public async Task An_admin_creates_changes_and_deletes_an_organisation_and_every_edit_is_audited(Engine engine)
    {
        var (app, admin, staff) = await StartAsync(engine);
        await using var _ = app;
        using var client = Client(app, admin);

        var created = await client.PostAsync("/api/directory/organizations", Json(NewOrganization().ToJsonString()));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("\"1\"", created.Headers.ETag?.Tag);
        var body = await created.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(["Gunma", "Tochigi"], body!["prefectures"]!.AsArray().Select(p => (string?)p));
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync("/api/directory/organizations", Json(NewOrganization().ToJsonString()))).StatusCode);

        // Staff of another organisation do not see its webhook or its load.
        using var staffClient = Client(app, staff);
        var seenByStaff = await staffClient.GetFromJsonAsync<JsonObject>("/api/directory/organizations/test-union");
        Assert.Null(seenByStaff!["intake"]!["webhookUrl"]);

        var changed = NewOrganization();
        changed["capacity"] = 8;
        using var stale = new HttpRequestMessage(HttpMethod.Put, "/api/directory/organizations/test-union") { Content = Json(changed.ToJsonString()) };
        stale.Headers.TryAddWithoutValidation("If-Match", "\"7\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await client.SendAsync(stale)).StatusCode);
        using var fresh = new HttpRequestMessage(HttpMethod.Put, "/api/directory/organizations/test-union") { Content = Json(changed.ToJsonString()) };
        fresh.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        var updated = await client.SendAsync(fresh);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("\"2\"", updated.Headers.ETag?.Tag);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/directory/organizations/test-union")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/directory/organizations/test-union")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync("/api/directory/organizations/test-union")).StatusCode);

        var audit = await client.GetFromJsonAsync<JsonArray>("/api/directory/audit?organizationId=test-union");
        Assert.Equal(["delete", "update", "create"], audit!.Select(a => (string?)a!["action"]));
        Assert.All(audit!, a => Assert.StartsWith("Coalition admin (apikey:", (string?)a!["actor"]));
        Assert.Null(audit![0]!["after"]);
        Assert.Contains("\"capacity\":8", (string?)audit[0]!["before"]);
        Assert.Contains("\"capacity\":5", (string?)audit[1]!["before"]);
        Assert.Null(audit[2]!["before"]);
    }

    [Fact]
    public async Task Bad_organisations_are_refused_with_the_field_named_and_nothing_is_stored()
    {
        var (app, admin, _) = await StartAsync(Engine.Sqlite);
        await using var _ = app;
        using var client = Client(app, admin);

        async Task<JsonObject> RefusedAsync(string json)
        {
            var response = await client.PostAsync("/api/directory/organizations", Json(json));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        }

        var invalid = NewOrganization("Bad Id");
        invalid["kind"] = "church";
        invalid["languages"] = JsonNode.Parse("""{"native": ["fr"]}""");
        invalid["prefectures"] = JsonNode.Parse("""["Atlantis"]""");
        invalid["hours"] = JsonNode.Parse("""[{"days": ["someday"], "open": "9am", "close": "18:00"}]""");
        invalid["lastVerified"] = "2099-01-01";
        var errors = (await RefusedAsync(invalid.ToJsonString()))["errors"]!.AsObject().Select(e => e.Key).ToList();
        foreach (var field in new[] { "id", "kind", "languages.native", "prefectures", "hours[0].days", "hours[0].open", "lastVerified" }) Assert.Contains(field, errors);

        var typo = NewOrganization();
        typo["capacityy"] = 3;
        Assert.Contains("capacityy", (string?)(await RefusedAsync(typo.ToJsonString()))["detail"]);
        Assert.Contains("not valid JSON", (string?)(await RefusedAsync("{\"id\": "))["detail"]);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/directory/organizations/test-union")).StatusCode);

        var mismatch = await client.PutAsync("/api/directory/organizations/smj", Json(NewOrganization("other-id").ToJsonString()));
        Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);
        // Its only audit entry is the sample's import on first run.
        var audit = await client.GetFromJsonAsync<JsonArray>("/api/directory/audit?organizationId=smj");
        Assert.Equal(("import-create", "seed:organizations.yaml"), ((string?)Assert.Single(audit!)!["action"], (string?)audit![0]!["actor"]));
    }

    [Fact]
    public async Task Match_answers_with_reasons_and_an_uncovered_request_is_a_recorded_gap()
    {
        var (app, admin, staff) = await StartAsync(Engine.Sqlite);
        await using var _ = app;
        using var client = Client(app, staff);

        var tagalog = await client.PostAsync("/api/directory/match", Json("""{"language":"tl","prefecture":"35","category":"dismissal_contract","emergency":false,"residenceStatus":"titp_2"}"""));
        Assert.Equal(HttpStatusCode.OK, tagalog.StatusCode);
        var result = await tagalog.Content.ReadFromJsonAsync<JsonObject>();
        Assert.False((bool)result!["fallback"]!);
        var ids = result["matches"]!.AsArray().Select(m => (string?)m!["organizationId"]).ToList();
        Assert.Contains("scrum-union-hiroshima", ids);
        Assert.Contains("hiroshima-filipino-trainee-support-group", ids);
        var first = result["matches"]![0]!;
        Assert.All(first["reasons"]!.AsArray(), r => Assert.False(string.IsNullOrEmpty((string?)r!["ja"]) || string.IsNullOrEmpty((string?)r!["en"])));

        var khmer = await (await client.PostAsync("/api/directory/match", Json("""{"language":"km","prefecture":"Gunma","category":"runaway_risk"}"""))).Content.ReadFromJsonAsync<JsonObject>();
        Assert.True((bool)khmer!["fallback"]!);
        Assert.NotEmpty(khmer["matches"]!.AsArray());

        using var adminClient = Client(app, admin);
        var gaps = await adminClient.GetFromJsonAsync<JsonArray>("/api/directory/gaps");
        var gap = Assert.Single(gaps!);
        Assert.Equal(("km", "Gunma", "runaway_risk", 1L), ((string?)gap!["language"], (string?)gap["prefecture"], (string?)gap["category"], (long)gap["requests"]!));
    }

    [Fact]
    public async Task A_coalition_loads_its_own_directory_file_and_makes_keys_from_the_command_line()
    {
        var (app, _, _) = await StartAsync(Engine.Sqlite);
        await using var _ = app;
        using var folder = new TemporaryDirectory();
        var file = Path.Combine(folder.Path, "coalition.yaml");
        await File.WriteAllTextAsync(file, """
            organizations:
              - id: gunma-khmer-network
                names: {ja: "群馬クメール支援ネット", en: "Gunma Khmer support network"}
                kind: npo
                languages: {native: [km, ja]}
                prefectures: [Gunma]
                categories: [runaway_risk, unpaid_wages]
                intake: {console: true}
                capacity: 3
                source: "coalition survey"
                lastVerified: 2026-11-20
            """);

        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(0, await DirectoryCommands.RunAsync(app.Services, ["directory", "import", file], output, error));
        Assert.Contains("1 created, 0 updated, 0 unchanged", output.ToString());
        Assert.Equal(0, await DirectoryCommands.RunAsync(app.Services, ["apikey", "add", "--name", "Coalition", "--role", "admin"], output, error));
        var key = output.ToString().Split('\n', StringSplitOptions.TrimEntries).Single(line => line.StartsWith("mhb_", StringComparison.Ordinal));

        using var client = Client(app, key);
        var match = await (await client.PostAsync("/api/directory/match", Json("""{"language":"km","prefecture":"10","category":"runaway_risk"}"""))).Content.ReadFromJsonAsync<JsonObject>();
        Assert.False((bool)match!["fallback"]!);
        Assert.Equal("gunma-khmer-network", (string?)match["matches"]![0]!["organizationId"]);
        var audit = await client.GetFromJsonAsync<JsonArray>("/api/directory/audit?organizationId=gunma-khmer-network");
        Assert.Equal("import-create", (string?)Assert.Single(audit!)!["action"]);
        Assert.StartsWith("import:coalition.yaml", (string?)audit![0]!["actor"]);

        // A broken file changes nothing and says what is wrong.
        await File.WriteAllTextAsync(file, "organizations:\n  - id: x\n");
        Assert.Equal(1, await DirectoryCommands.RunAsync(app.Services, ["directory", "import", file], output, error));
        Assert.Contains("organizations[0]", error.ToString());
        Assert.Equal(1, await DirectoryCommands.RunAsync(app.Services, ["apikey", "add", "--name", "x", "--role", "owner"], output, error));
    }

    [Theory]
    [InlineData("""{"prefecture":"Tokyo"}""", "language")]
    [InlineData("""{"language":"fr"}""", "language")]
    [InlineData("""{"language":"vi","prefecture":"48"}""", "prefecture")]
    [InlineData("""{"language":"vi","prefecture":"Narnia"}""", "prefecture")]
    [InlineData("""{"language":"vi","category":"lost_cat"}""", "category")]
    [InlineData("""{"language":"vi","residenceStatus":"tourist"}""", "residenceStatus")]
    public async Task A_bad_match_request_is_a_400_naming_the_field(string body, string field)
    {
        var (app, _, staff) = await StartAsync(Engine.Sqlite);
        await using var _ = app;
        using var client = Client(app, staff);
        var response = await client.PostAsync("/api/directory/match", Json(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.True(problem!["errors"]!.AsObject().ContainsKey(field), problem.ToJsonString());
    }
}
