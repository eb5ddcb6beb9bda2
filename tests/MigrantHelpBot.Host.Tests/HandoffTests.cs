using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Dialogs.Locales;
using MigrantHelpBot.Directory.Access;
using MigrantHelpBot.Directory.Organizations;
using MigrantHelpBot.Handoff.Notifications;
using MigrantHelpBot.Handoff.Staff;
using MigrantHelpBot.Testing;

using static MigrantHelpBot.Host.Tests.HandoffFlow;

namespace MigrantHelpBot.Host.Tests;

/// <summary>
/// The handoff end to end in the real host: a worker on Direct Line, staff on the staff API, the
/// case lifecycle with its SLA, the organisation boundary on every endpoint, signed webhooks to a
/// fake receiver on loopback, the relay both ways, an agent hub's handoff.status, and the audit.
/// </summary>
public class HandoffTests
{
    public static TheoryData<Engine> Engines => [Engine.Sqlite, Engine.Postgres];

    /// <summary>Gives both test unions a webhook on the fake receiver.</summary>
    private static async Task HookAsync(BotApplication app, Func<string, Uri> url)
    {
        var store = app.Services.GetRequiredService<OrganizationStore>();
        foreach (var org in new[] { "union-a", "union-b" })
        {
            var stored = (await store.GetAsync(org, CancellationToken.None))!;
            var hooked = stored.Organization with { Intake = new Intake { Console = true, WebhookUrl = url(org).ToString() } };
            Assert.Equal(WriteOutcome.Done, (await store.UpdateAsync(hooked, "test", stored.Version, CancellationToken.None)).Item1);
        }
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what, int seconds = 20)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(seconds); DateTime.UtcNow < deadline; await Task.Delay(50))
        {
            if (await probe() is { } found) return found;
        }
        throw new TimeoutException("Timed out waiting for " + what);
    }

    private static async Task<JsonElement[]> CasesAsync(HttpClient staff, string query = "")
    {
        using var response = await staff.GetAsync("/api/cases" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray()];
    }

    private static async Task<JsonElement?> CaseWithAsync(HttpClient staff, Func<JsonElement, bool> match) =>
        (await CasesAsync(staff, "?status=")).Where(match).Select(c => (JsonElement?)c).FirstOrDefault();

    /// <summary>Waits until the staff member's list has a case that matches.</summary>
    private static async Task<JsonElement> WaitCaseAsync(HttpClient staff, Func<JsonElement, bool> match, string what)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(20); DateTime.UtcNow < deadline; await Task.Delay(50))
        {
            if (await CaseWithAsync(staff, match) is { } found) return found;
        }
        throw new TimeoutException("Timed out waiting for " + what);
    }

    /// <summary>Polls the worker's Direct Line until a bot message with <paramref name="text"/> arrives; returns every message seen.</summary>
    private static async Task<List<Activity>> WorkerReadsAsync(DirectLineClient worker, string text)
    {
        var seen = new List<Activity>();
        await EventuallyAsync(async () =>
        {
            seen.AddRange((await worker.PollAsync()).Where(a => a.From?.Role == "bot"));
            return seen.Any(a => a.Text == text) ? seen : null;
        }, $"the worker to read \"{text}\"");
        return seen;
    }

    /// <summary>A Vietnamese worker in danger asks for a person and agrees to share: an emergency request.</summary>
    private static async Task<DirectLineClient> WorkerInDangerAsync(BotApplication app)
    {
        var worker = await DirectLineClient.StartAsync(app.CreateClient(), "vi-VN");
        await worker.PollAsync();
        await worker.SayAsync("Chủ đang đánh tôi, cứu tôi với");
        var replies = (await worker.PollAsync()).Where(a => a.From?.Role == "bot").ToList();
        Assert.Equal(T("vi", "emergency.share_ask"), replies[^1].Text);
        await worker.SayAsync(replies[^1].SuggestedActions!.Actions![0].Title!); // yes, share
        return worker;
    }

    [Theory, MemberData(nameof(Engines))]
    public async Task A_case_goes_to_the_matched_organisation_whose_staff_alone_accept_it_and_talk_with_the_worker_both_ways(Engine engine)
    {
        await using var app = await StartAsync(engine);
        var a = await StaffAsync(app, "a@union-a.example");
        var b = await StaffAsync(app, "b@union-b.example");
        var admin = await StaffAsync(app, "coordinator@coalition.example");

        var worker = await WorkerInDangerAsync(app);
        var offered = await WaitCaseAsync(admin, c => c.GetProperty("status").GetString() == "offered", "the case to be offered");
        var id = offered.GetProperty("id").GetString()!;
        Assert.Equal(("P0", "vi", "violence_harassment"), (offered.GetProperty("urgency").GetString(), offered.GetProperty("language").GetString(), offered.GetProperty("category").GetString()));
        var holder = offered.GetProperty("organizationId").GetString()!;
        var (mine, other) = holder == "union-a" ? (a, b) : (b, a);
        var name = holder == "union-a" ? "Test Union A" : "Test Union B";
        await WorkerReadsAsync(worker, T("vi", "handoff.offered_soon", new() { ["organization"] = name, ["minutes"] = "15" }));

        // The other organisation sees nothing: every endpoint answers 404, as if the case did not exist.
        Assert.Empty(await CasesAsync(other));
        foreach (var (method, path, body) in new (HttpMethod, string, string?)[]
        {
            (HttpMethod.Get, $"/api/cases/{id}", null), (HttpMethod.Get, $"/api/cases/{id}/timeline", null),
            (HttpMethod.Post, $"/api/cases/{id}/accept", null), (HttpMethod.Post, $"/api/cases/{id}/messages", """{"text":"hello"}"""),
            (HttpMethod.Post, $"/api/cases/{id}/notes", """{"text":"note"}"""), (HttpMethod.Post, $"/api/cases/{id}/transfer", """{"organizationId":"union-a","reason":"x"}"""),
            (HttpMethod.Post, $"/api/cases/{id}/resolve", null),
        })
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : Json(body) };
            using var response = await other.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path}: {response.StatusCode}");
        }
        using (var anonymous = await app.CreateClient().GetAsync("/api/cases")) Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        // The holder's staff read the case in Japanese and accept it; the worker is told who has it.
        var detail = await mine.GetFromJsonAsync<JsonElement>($"/api/cases/{id}");
        Assert.True(detail.GetProperty("consent").GetProperty("shared").GetBoolean());
        Assert.Equal("暴力・ハラスメント", detail.GetProperty("case").GetProperty("categoryJa").GetString());
        Assert.Contains(detail.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == "worker_message" && e.GetProperty("text").GetString() == "Chủ đang đánh tôi, cứu tôi với");
        Assert.Equal(6, detail.GetProperty("canned").GetArrayLength());
        using (var accept = await mine.PostAsync($"/api/cases/{id}/accept", null)) Assert.Equal(HttpStatusCode.OK, accept.StatusCode);
        using (var again = await mine.PostAsync($"/api/cases/{id}/accept", null)) Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var stop = T("vi", "commands.stop.label");
        var staffName = holder == "union-a" ? "Aさん" : "Bさん";
        await WorkerReadsAsync(worker, T("vi", "handoff.accepted", new() { ["name"] = staffName, ["organization"] = name, ["stop"] = stop }));

        // The worker writes: the bot is silent, the message reaches the case.
        await worker.SayAsync("Em đang trốn trong nhà vệ sinh");
        await EventuallyAsync(async () =>
        {
            var timeline = await mine.GetFromJsonAsync<JsonElement>($"/api/cases/{id}/timeline");
            return timeline.EnumerateArray().Any(e => e.TryGetProperty("text", out var t) && t.GetString() == "Em đang trốn trong nhà vệ sinh") ? "" : null;
        }, "the worker's message in the case");
        Assert.DoesNotContain(await worker.PollAsync(), a => a.From?.Role == "bot" && a.Type == ActivityTypes.Message);

        // Staff reply: it reaches the worker's Direct Line conversation, under the staff member's name.
        using (var reply = await mine.PostAsync($"/api/cases/{id}/messages", Json("""{"text":"Chào em, em có an toàn không?"}"""))) Assert.Equal(HttpStatusCode.Accepted, reply.StatusCode);
        var from = T("vi", "handoff.staff_says", new() { ["name"] = staffName, ["organization"] = name });
        await WorkerReadsAsync(worker, from + "\nChào em, em có an toàn không?");
        using (var canned = await mine.PostAsync($"/api/cases/{id}/messages", Json("""{"canned":"safe_time"}"""))) Assert.Equal(HttpStatusCode.Accepted, canned.StatusCode);
        await WorkerReadsAsync(worker, from + "\n" + T("vi", "handoff.canned.safe_time"));
        using (var note = await mine.PostAsync($"/api/cases/{id}/notes", Json("""{"text":"内部メモ：シェルターを確認中"}"""))) Assert.Equal(HttpStatusCode.Created, note.StatusCode);

        // The worker ends the conversation with the person and is back with the bot.
        await worker.SayAsync(stop);
        await WorkerReadsAsync(worker, T("vi", "handoff.ended", new() { ["human"] = T("vi", "commands.human.label") }));
        await WaitCaseAsync(admin, c => c.GetProperty("id").GetString() == id && c.GetProperty("status").GetString() == "closed_by_worker", "the case closed by the worker");
        Assert.Empty(await CasesAsync(mine)); // staff see their offered and held cases only
        await worker.SayAsync("help");
        Assert.Contains(await worker.PollAsync(), a => a.From?.Role == "bot" && a.Text == T("vi", "commands.help.text"));

        // Every view and action is on record with who did it; only admins may read the record.
        var audit = await admin.GetFromJsonAsync<JsonElement>($"/api/audit?caseId={id}");
        var actions = audit.EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Contains("case.view", actions);
        Assert.Contains("case.accept", actions);
        Assert.Equal(2, actions.Count(x => x == "case.message"));
        Assert.Contains("case.note", actions);
        Assert.All(audit.EnumerateArray(), e => Assert.StartsWith("staff:", e.GetProperty("actor").GetString()));
        using (var forbidden = await mine.GetAsync("/api/audit")) Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    [Fact]
    public async Task An_unanswered_emergency_offer_moves_to_the_next_match_and_both_organisations_get_signed_notifications()
    {
        await using var receiver = await LoopbackServer.StartAsync(web => web.MapPost("/hooks/{org}", () => Results.Ok()));
        await using var app = await StartAsync(Engine.Sqlite, new() { ["Handoff:EmergencyOfferTimeout"] = "00:00:02" });
        await HookAsync(app, org => new Uri(receiver.BaseAddress, "/hooks/" + org));
        var admin = await StaffAsync(app, "coordinator@coalition.example");

        var worker = await WorkerInDangerAsync(app);
        var firstOffer = JsonDocument.Parse((await receiver.WaitForAsync(r => r.Body.Contains("case.offered", StringComparison.Ordinal)))[0].Body).RootElement;
        var id = firstOffer.GetProperty("caseId").GetString()!;
        var firstOrg = firstOffer.GetProperty("organizationId").GetString()!;
        var secondOrg = firstOrg == "union-a" ? "union-b" : "union-a";

        // Nobody accepts within the emergency SLA: the case moves on, once.
        var moved = await WaitCaseAsync(admin, c => c.GetProperty("id").GetString() == id && c.GetProperty("organizationId").GetString() == secondOrg, "the offer to move on");
        Assert.Equal("offered", moved.GetProperty("status").GetString());
        await WorkerReadsAsync(worker, T("vi", "handoff.moved", new() { ["organization"] = secondOrg == "union-a" ? "Test Union A" : "Test Union B" }));

        var hooks = await receiver.WaitForAsync(r => r.Path.StartsWith("/hooks/", StringComparison.Ordinal), count: 3);
        var bodies = hooks.Select(h => (h.Path, Body: JsonDocument.Parse(h.Body).RootElement)).ToList();
        Assert.Contains(bodies, h => h.Path == "/hooks/" + firstOrg && h.Body.GetProperty("type").GetString() == "case.offered");
        Assert.Contains(bodies, h => h.Path == "/hooks/" + firstOrg && h.Body.GetProperty("type").GetString() == "case.withdrawn" && h.Body.GetProperty("reason").GetString() == "offer_expired");
        Assert.Contains(bodies, h => h.Path == "/hooks/" + secondOrg && h.Body.GetProperty("type").GetString() == "case.offered");
        foreach (var (_, body) in bodies)
        {
            // Nothing personal: the case id, category, urgency, language and prefecture only.
            Assert.Equal(id, body.GetProperty("caseId").GetString());
            Assert.Equal("P0", body.GetProperty("urgency").GetString());
            Assert.DoesNotContain("đánh", body.GetRawText(), StringComparison.Ordinal);
            Assert.Subset(new HashSet<string> { "id", "type", "caseId", "organizationId", "category", "urgency", "language", "prefecture", "reason", "offerExpiresAt", "at" },
                body.EnumerateObject().Select(p => p.Name).ToHashSet());
        }
        var timeline = await app.Services.GetRequiredService<Handoff.Cases.CaseStore>().EventsAsync(id, CancellationToken.None);
        // The SLA fired once for the first organisation, however many replicas' sweeps ran.
        Assert.Equal(1, timeline.Count(e => e.Kind == "offer_expired" && e.Data!.Value.GetProperty("organizationId").GetString() == firstOrg));
        Assert.Equal(1, timeline.Count(e => e.Kind == "offered" && e.Data!.Value.GetProperty("organizationId").GetString() == secondOrg));
    }

    [Theory, MemberData(nameof(Engines))]
    public async Task An_organisation_without_a_webhook_reads_in_its_notices_that_its_offer_moved_on_and_the_case_stays_closed_to_it(Engine engine)
    {
        await using var app = await StartAsync(engine, new() { ["Handoff:EmergencyOfferTimeout"] = "00:00:02" });
        var admin = await StaffAsync(app, "coordinator@coalition.example");
        await WorkerInDangerAsync(app);
        var offered = await WaitCaseAsync(admin, c => c.GetProperty("status").GetString() == "offered", "the offer");
        var id = offered.GetProperty("id").GetString()!;
        var firstOrg = offered.GetProperty("organizationId").GetString()!;
        var secondOrg = firstOrg == "union-a" ? "union-b" : "union-a";
        var first = await StaffAsync(app, firstOrg == "union-a" ? "a@union-a.example" : "b@union-b.example");
        var second = await StaffAsync(app, secondOrg == "union-a" ? "a@union-a.example" : "b@union-b.example");
        await WaitCaseAsync(admin, c => c.GetProperty("id").GetString() == id && c.GetProperty("organizationId").GetString() == secondOrg, "the offer to move on");

        // The first organisation (console only, no webhook) is told why the case left its queue.
        var notices = await first.GetFromJsonAsync<JsonElement[]>("/api/notices?unread=true");
        var withdrawn = Assert.Single(notices!, n => n.GetProperty("type").GetString() == "case.withdrawn");
        Assert.Equal(id, withdrawn.GetProperty("caseId").GetString());
        Assert.Equal("offer_expired", withdrawn.GetProperty("reason").GetString());
        Assert.Equal("P0", withdrawn.GetProperty("urgency").GetString());
        Assert.Equal("vi", withdrawn.GetProperty("language").GetString());
        Assert.Contains(notices!, n => n.GetProperty("type").GetString() == "case.offered" && n.GetProperty("caseId").GetString() == id);
        Assert.DoesNotContain("đánh", JsonSerializer.Serialize(notices), StringComparison.Ordinal);
        // The notice opens nothing: the case is 404 to the organisation it left.
        using (var gone = await first.GetAsync($"/api/cases/{id}")) Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Empty(await CasesAsync(first));

        // Each organisation reads only its own notices; the coalition reads all of them.
        var secondNotices = await second.GetFromJsonAsync<JsonElement[]>("/api/notices");
        Assert.All(secondNotices!, n => Assert.Equal(secondOrg, n.GetProperty("organizationId").GetString()));
        Assert.DoesNotContain(secondNotices!, n => n.GetProperty("type").GetString() == "case.withdrawn");
        var all = await admin.GetFromJsonAsync<JsonElement[]>("/api/notices");
        Assert.Contains(all!, n => n.GetProperty("organizationId").GetString() == firstOrg && n.GetProperty("type").GetString() == "case.withdrawn");
        Assert.Contains(all!, n => n.GetProperty("organizationId").GetString() == secondOrg && n.GetProperty("type").GetString() == "case.offered");

        // Read: bad input changes nothing; marking read is the organisation's, not the coalition's; another organisation's notices stay unread.
        var newest = notices!.Max(n => n.GetProperty("id").GetInt64());
        using (var bad = await first.PostAsync("/api/notices/read", Json("""{"upTo":0}"""))) Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using (var notJson = await first.PostAsync("/api/notices/read", Json("""{"upTo":"""))) Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        using (var badQuery = await first.GetAsync("/api/notices?unread=maybe")) Assert.Equal(HttpStatusCode.BadRequest, badQuery.StatusCode);
        using (var coalition = await admin.PostAsync("/api/notices/read", Json($$"""{"upTo":{{newest}}}"""))) Assert.Equal(HttpStatusCode.Forbidden, coalition.StatusCode);
        Assert.Equal(notices!.Length, (await first.GetFromJsonAsync<JsonElement[]>("/api/notices?unread=true"))!.Length);
        using (var read = await first.PostAsync("/api/notices/read", Json($$"""{"upTo":{{long.MaxValue}}}""")))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Equal(notices!.Length, (await read.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("marked").GetInt32());
        }
        Assert.Empty((await first.GetFromJsonAsync<JsonElement[]>("/api/notices?unread=true"))!);
        Assert.NotEmpty((await second.GetFromJsonAsync<JsonElement[]>("/api/notices?unread=true"))!);
        var kept = Assert.Single((await first.GetFromJsonAsync<JsonElement[]>("/api/notices"))!, n => n.GetProperty("type").GetString() == "case.withdrawn");
        Assert.StartsWith("staff:", kept.GetProperty("readBy").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.String, kept.GetProperty("readAt").ValueKind);
    }

    [Fact]
    public async Task A_photo_sent_during_a_case_is_noted_on_it_without_its_content_and_the_worker_is_asked_for_words()
    {
        await using var app = await StartAsync(Engine.Sqlite);
        var admin = await StaffAsync(app, "coordinator@coalition.example");
        var worker = await WorkerInDangerAsync(app);
        var id = (await WaitCaseAsync(admin, c => c.GetProperty("status").GetString() == "offered", "the offer")).GetProperty("id").GetString()!;
        // The worker's conversation knows its case once the offer notice has reached them.
        await EventuallyAsync(async () => (await admin.GetFromJsonAsync<JsonElement>($"/api/cases/{id}/timeline")).EnumerateArray()
            .Any(e => e.GetProperty("kind").GetString() == "notice" && e.GetProperty("delivery").GetString() == "sent") ? (object)true : null, "the offer notice");
        await worker.PollAsync();

        var photo = JsonSerializer.Serialize(new Activity
        {
            Type = ActivityTypes.Message,
            From = new ChannelAccount { Id = "claimed-id" },
            Attachments = [new Attachment { ContentType = "image", ContentUrl = "https://example.org/passport.jpg" }],
        }, BotJsonContext.Wire.Activity);
        using (var sent = await worker.SendAsync(HttpMethod.Post, $"/v3/directline/conversations/{worker.ConversationId}/activities", worker.Token, photo)) sent.EnsureSuccessStatusCode();
        await WorkerReadsAsync(worker, T("vi", "retry.not_text"));

        var noted = (await EventuallyAsync(async () => (await admin.GetFromJsonAsync<JsonElement>($"/api/cases/{id}/timeline")).EnumerateArray()
            .Select(e => (JsonElement?)e).FirstOrDefault(e => e!.Value.GetProperty("kind").GetString() == "worker_message"
                && e.Value.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object && data.TryGetProperty("attachment", out _)), "the photo noted on the case")).GetValueOrDefault();
        Assert.Equal("image", noted.GetProperty("data").GetProperty("attachment").GetString());
        Assert.False(noted.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String);
        Assert.DoesNotContain("passport.jpg", noted.GetRawText(), StringComparison.Ordinal); // nothing of the content is kept
    }

    [Fact]
    public async Task Webhook_notifications_are_signed_over_timestamp_and_body_with_the_organisations_secret()
    {
        // The receiver records a request before its handler has read it: wait for the handler itself.
        var received = new TaskCompletionSource<(string Signature, string Timestamp, string Body)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var receiver = await LoopbackServer.StartAsync(web => web.MapPost("/hook", async (HttpRequest request) =>
        {
            var text = await new StreamReader(request.Body).ReadToEndAsync();
            received.TrySetResult((request.Headers[WebhookSender.SignatureHeader].ToString(), request.Headers[WebhookSender.TimestampHeader].ToString(), text));
            return Results.Ok();
        }));
        await using var app = await StartAsync(Engine.Sqlite);
        await HookAsync(app, _ => new Uri(receiver.BaseAddress, "/hook"));
        await WorkerInDangerAsync(app);
        var (signature, timestamp, body) = await received.Task.WaitAsync(TimeSpan.FromSeconds(20));
        var organization = JsonDocument.Parse(body).RootElement.GetProperty("organizationId").GetString()!;
        var secret = await app.Services.GetRequiredService<WebhookSecrets>().GetAsync(organization, CancellationToken.None);
        Assert.Equal(WebhookSender.Sign(secret, long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture), body), signature);
        Assert.True(Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture)) < 60);
        Assert.NotEqual(WebhookSender.Sign("wrong", long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture), body), signature);
    }

    [Fact]
    public async Task Sign_in_answers_bad_input_with_400_a_wrong_password_with_401_and_locks_after_repeated_failures()
    {
        await using var app = await StartAsync(Engine.Sqlite, new() { ["Handoff:LockoutThreshold"] = "3" });
        var client = app.CreateClient();
        using (var missing = await client.PostAsync("/api/staff/token", Json("""{"email":"a@union-a.example"}"""))) Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        using (var broken = await client.PostAsync("/api/staff/token", Json("""{"email":"""))) Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        using (var text = await client.PostAsync("/api/staff/token", new StringContent("email=a", Encoding.UTF8, "text/plain"))) Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
        using (var unknown = await client.PostAsJsonAsync("/api/staff/token", new { email = "nobody@example.org", password = Password })) Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        for (var i = 0; i < 3; i++)
        {
            using var wrong = await client.PostAsJsonAsync("/api/staff/token", new { email = "a@union-a.example", password = "wrong password" });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        using (var locked = await client.PostAsJsonAsync("/api/staff/token", new { email = "a@union-a.example", password = Password }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, locked.StatusCode);
            Assert.Contains("locked", await locked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var forged = new HttpRequestMessage(HttpMethod.Get, "/api/cases"))
        {
            forged.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "mhs_" + new string('x', 43));
            using var response = await client.SendAsync(forged);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        using (var filters = await (await StaffAsync(app, "b@union-b.example")).GetAsync("/api/cases?status=lost&urgency=P9")) Assert.Equal(HttpStatusCode.BadRequest, filters.StatusCode);
    }

    [Fact]
    public async Task An_organisation_api_key_acts_for_its_organisation_and_a_service_key_is_not_staff()
    {
        await using var app = await StartAsync(Engine.Sqlite);
        var keys = app.Services.GetRequiredService<ApiKeyStore>();
        var (_, aKey) = await keys.CreateAsync("Union A system", "staff", "union-a", CancellationToken.None);
        var (_, bKey) = await keys.CreateAsync("Union B system", "staff", "union-b", CancellationToken.None);
        var (_, service) = await keys.CreateAsync("bot", "service", null, CancellationToken.None);
        var admin = await StaffAsync(app, "coordinator@coalition.example");
        await WorkerInDangerAsync(app);
        var offered = await WaitCaseAsync(admin, c => c.GetProperty("status").GetString() == "offered", "the offer");
        var id = offered.GetProperty("id").GetString()!;
        var (holderKey, otherKey) = offered.GetProperty("organizationId").GetString() == "union-a" ? (aKey, bKey) : (bKey, aKey);

        HttpClient With(string key)
        {
            var client = app.CreateClient();
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
            return client;
        }
        Assert.Single(await CasesAsync(With(holderKey)));
        Assert.Empty(await CasesAsync(With(otherKey)));
        using (var hidden = await With(otherKey).PostAsync($"/api/cases/{id}/accept", null)) Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        using (var accepted = await With(holderKey).PostAsync($"/api/cases/{id}/accept", null)) Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        using (var notStaff = await With(service).GetAsync("/api/cases")) Assert.Equal(HttpStatusCode.Forbidden, notStaff.StatusCode);
        using (var resolved = await With(holderKey).PostAsync($"/api/cases/{id}/resolve", null)) Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        var audit = await admin.GetFromJsonAsync<JsonElement>($"/api/audit?caseId={id}");
        Assert.Contains(audit.EnumerateArray(), e => e.GetProperty("action").GetString() == "case.accept" && e.GetProperty("actor").GetString()!.StartsWith("apikey:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_case_can_be_transferred_with_a_reason_and_the_new_organisation_takes_it_over()
    {
        await using var app = await StartAsync(Engine.Sqlite);
        var admin = await StaffAsync(app, "coordinator@coalition.example");
        var worker = await WorkerInDangerAsync(app);
        var offered = await WaitCaseAsync(admin, c => c.GetProperty("status").GetString() == "offered", "the offer");
        var id = offered.GetProperty("id").GetString()!;
        var holder = offered.GetProperty("organizationId").GetString()!;
        var target = holder == "union-a" ? "union-b" : "union-a";
        var holderStaff = await StaffAsync(app, holder == "union-a" ? "a@union-a.example" : "b@union-b.example");
        var targetStaff = await StaffAsync(app, target == "union-a" ? "a@union-a.example" : "b@union-b.example");

        using (var noReason = await holderStaff.PostAsync($"/api/cases/{id}/transfer", Json($$"""{"organizationId":"{{target}}"}"""))) Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        using (var unknown = await holderStaff.PostAsync($"/api/cases/{id}/transfer", Json("""{"organizationId":"nobody","reason":"x"}"""))) Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        using (var transfer = await holderStaff.PostAsync($"/api/cases/{id}/transfer", Json($$"""{"organizationId":"{{target}}","reason":"ベトナム語の相談員がいるため"}"""))) Assert.Equal(HttpStatusCode.OK, transfer.StatusCode);
        await WorkerReadsAsync(worker, T("vi", "handoff.transferred", new() { ["organization"] = target == "union-a" ? "Test Union A" : "Test Union B" }));
        Assert.Empty(await CasesAsync(holderStaff));
        var moved = Assert.Single(await CasesAsync(targetStaff));
        Assert.Equal("transferred", moved.GetProperty("status").GetString());
        var timeline = await targetStaff.GetFromJsonAsync<JsonElement>($"/api/cases/{id}/timeline");
        Assert.Contains(timeline.EnumerateArray(), e => e.GetProperty("kind").GetString() == "transferred" && e.GetProperty("text").GetString() == "ベトナム語の相談員がいるため");
        using (var accept = await targetStaff.PostAsync($"/api/cases/{id}/accept", null)) Assert.Equal(HttpStatusCode.OK, accept.StatusCode);
        using (var resolve = await targetStaff.PostAsync($"/api/cases/{id}/resolve", null)) Assert.Equal(HttpStatusCode.OK, resolve.StatusCode);
        await WorkerReadsAsync(worker, T("vi", "handoff.resolved", new() { ["organization"] = target == "union-a" ? "Test Union A" : "Test Union B" }));
        await worker.SayAsync("xin chào");
        Assert.Contains(await worker.PollAsync(), a => a.From?.Role == "bot" && a.Type == ActivityTypes.Message); // the bot answers again
    }

    [Fact]
    public async Task An_agent_hub_takes_a_case_with_handoff_status_but_a_workers_own_client_cannot()
    {
        await using var app = await StartAsync(Engine.Sqlite);
        var admin = await StaffAsync(app, "coordinator@coalition.example");
        var http = app.CreateClient();

        // A worker on a connector channel (the emulator here) asks for a person.
        await app.TurnAsync(http, "hub-1", "talk to a person");
        var replies = await app.TurnAsync(http, "hub-1", "yes");
        Assert.Contains(replies, r => r.Text == T("en", "commands.human.requested"));
        var offered = await WaitCaseAsync(admin, c => c.GetProperty("status").GetString() == "offered", "the offer");
        var id = offered.GetProperty("id").GetString()!;

        var status = BotApplication.Message("hub-1", string.Empty, expectReplies: false);
        status.Type = ActivityTypes.Event;
        status.Name = "handoff.status";
        status.Text = null;
        status.Value = JsonDocument.Parse("""{"state":"accepted","message":"agent Tanaka"}""").RootElement;
        using (var response = await http.PostAsync("/api/messages", BotApplication.Json(status))) Assert.True(response.IsSuccessStatusCode);
        await WaitCaseAsync(admin, c => c.GetProperty("id").GetString() == id && c.GetProperty("status").GetString() == "accepted", "the hub to take the case");

        // On Direct Line (the worker's own client) the same event changes nothing: it is not even recorded.
        var worker = await WorkerInDangerAsync(app);
        var second = await WaitCaseAsync(admin, c => c.GetProperty("id").GetString() != id && c.GetProperty("status").GetString() == "offered", "the second offer");
        using (var forged = await worker.SendAsync(HttpMethod.Post, $"/v3/directline/conversations/{worker.ConversationId}/activities", worker.Token,
            """{"type":"event","name":"handoff.status","from":{"id":"x"},"value":{"state":"completed"}}""")) Assert.True(forged.IsSuccessStatusCode);
        var statuses = await app.Services.GetRequiredService<Data.EventStore>().ReadKindAsync("case.hub_status", 10, CancellationToken.None);
        Assert.Equal("emulator/conversations/hub-1", Assert.Single(statuses).ConversationKey);
        Assert.Equal("offered", (await WaitCaseAsync(admin, c => c.GetProperty("id").GetString() == second.GetProperty("id").GetString(), "the second case")).GetProperty("status").GetString());

        // handoff.initiate went to the worker's channel with the offer (Bot Framework handoff protocol).
        await EventuallyAsync(async () => (await worker.PollAsync()).Any(a => a.Type == ActivityTypes.Event && a.Name == "handoff.initiate") ? "" : null, "handoff.initiate");
    }

    [Fact]
    public async Task A_webhook_that_fails_for_a_while_gets_the_notification_once_it_answers_with_the_same_delivery_id()
    {
        var calls = new System.Collections.Concurrent.ConcurrentQueue<(string Delivery, string Timestamp, string Signature, string Body)>();
        await using var receiver = await LoopbackServer.StartAsync(web => web.MapPost("/hook", async (HttpRequest request) =>
        {
            var body = await new StreamReader(request.Body).ReadToEndAsync();
            calls.Enqueue((request.Headers[WebhookSender.DeliveryHeader].ToString(), request.Headers[WebhookSender.TimestampHeader].ToString(), request.Headers[WebhookSender.SignatureHeader].ToString(), body));
            return calls.Count <= 2 ? Results.StatusCode(503) : Results.Ok();
        }));
        await using var app = await StartAsync(Engine.Sqlite, new() { ["Outbox:MaxBackoff"] = "00:00:00.200" });
        await HookAsync(app, _ => new Uri(receiver.BaseAddress, "/hook"));
        await WorkerInDangerAsync(app);
        await EventuallyAsync(() => Task.FromResult(calls.Count >= 3 ? "" : null), "three attempts");
        await Task.Delay(500);
        Assert.Equal(3, calls.Count); // two failures, one success, then nothing more
        var attempts = calls.ToList();
        Assert.Single(attempts.Select(a => a.Delivery).Distinct());
        Assert.Single(attempts.Select(a => a.Body).Distinct());
        var organization = JsonDocument.Parse(attempts[0].Body).RootElement.GetProperty("organizationId").GetString()!;
        var secret = await app.Services.GetRequiredService<WebhookSecrets>().GetAsync(organization, CancellationToken.None);
        Assert.All(attempts, a => Assert.Equal(WebhookSender.Sign(secret, long.Parse(a.Timestamp, System.Globalization.CultureInfo.InvariantCulture), a.Body), a.Signature));
        Assert.Equal(Bot.Storage.OutboxStatus.Sent, await app.Services.GetRequiredService<Bot.Storage.IOutboxStore>().GetStatusAsync("webhook:" + attempts[0].Delivery, CancellationToken.None));
    }

    [Fact]
    public async Task The_staff_command_adds_accounts_that_can_sign_in()
    {
        await using var app = await StartAsync(Engine.Sqlite);
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.Equal(0, await StaffCommands.RunAsync(app.Services, ["staff", "add", "--org", "union-a", "--email", "New@Union-A.example", "--password", "a long enough password"], output, error));
        Assert.Contains("new@union-a.example", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, await StaffCommands.RunAsync(app.Services, ["staff", "add", "--org", "nowhere", "--email", "x@y.z", "--password", "a long enough password"], output, error));
        Assert.Equal(1, await StaffCommands.RunAsync(app.Services, ["staff", "add", "--org", "union-a", "--email", "x@y.z", "--password", "short"], output, error));
        Assert.Equal(2, await StaffCommands.RunAsync(app.Services, ["staff", "add", "--org", "union-a"], output, error));
        using var response = await app.CreateClient().PostAsJsonAsync("/api/staff/token", new { email = "new@union-a.example", password = "a long enough password" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var secretOut = new StringWriter();
        Assert.Equal(0, await StaffCommands.RunAsync(app.Services, ["staff", "webhook-secret", "--org", "union-a"], secretOut, error));
        Assert.StartsWith("whsec_", secretOut.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_Development_a_demo_organisation_and_staff_account_are_created_at_start_up()
    {
        await using var app = await StartAsync(Engine.Sqlite, new() { ["Handoff:DemoAccount"] = "true" });
        var demo = Assert.Single(await app.Services.GetRequiredService<StaffStore>().ListAsync(CancellationToken.None), a => a.Email == DemoAccount.Email);
        Assert.Equal((DemoAccount.OrganizationId, StaffStore.StaffRole), (demo.OrganizationId, demo.Role));
        var organization = await app.Services.GetRequiredService<OrganizationStore>().GetAsync(DemoAccount.OrganizationId, CancellationToken.None);
        Assert.True(organization!.Organization.Intake.Console);
        Assert.True(organization.Organization.Sample);
    }
}
