using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MigrantHelpBot.Data;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Host.Tests;

/// <summary>The router in the running host: a request for a person is routed; an event it cannot read is set aside, not retried forever in front of the others.</summary>
public class CaseRouterTests
{
    [Fact]
    public async Task An_unreadable_event_is_set_aside_and_the_cases_after_it_are_still_routed()
    {
        await using var app = new BotApplication(TestDatabase.CreateSqlite());
        app.CreateClient().Dispose();
        var database = app.Services.GetRequiredService<Database>();
        await database.EnsureReadyAsync(CancellationToken.None);
        await using (var connection = await database.OpenAsync(CancellationToken.None))
        {
            foreach (var (kind, payload) in new[]
            {
                ("case.intake", "{not json"),
                ("case.handoff", """{"conversation":"c2","urgency":"P0","reason":"emergency","language":"my","consentToShare":true,"answers":{"prefecture":"saitama","category":"violence_harassment"},"createdAt":"2026-11-21T00:00:00Z"}"""),
            })
            {
                await using var insert = connection.CreateCommand();
                insert.CommandText = "INSERT INTO domain_events (kind, conversation_key, payload, created_at) VALUES ($kind, 'c', $payload, 0)";
                var k = insert.CreateParameter(); k.ParameterName = "$kind"; k.Value = kind; insert.Parameters.Add(k);
                var p = insert.CreateParameter(); p.ParameterName = "$payload"; p.Value = payload; insert.Parameters.Add(p);
                await insert.ExecuteNonQueryAsync();
            }
        }

        var events = app.Services.GetRequiredService<EventStore>();
        for (var i = 0; i < 200 && (await events.ReadKindAsync("case.routed", 10, CancellationToken.None)).Count == 0; i++) await Task.Delay(50);
        var routed = JsonDocument.Parse(Assert.Single(await events.ReadKindAsync("case.routed", 10, CancellationToken.None)).Payload).RootElement;
        var request = routed.GetProperty("request");
        Assert.Equal(("my", "Saitama", "violence_harassment", true),
            (request.GetProperty("language").GetString(), request.GetProperty("prefecture").GetString(), request.GetProperty("category").GetString(), request.GetProperty("emergency").GetBoolean()));
        Assert.Equal("{not json", Assert.Single(await events.ReadKindAsync("case.unroutable", 10, CancellationToken.None)).Payload);
        Assert.Empty(await events.ReadUnhandledAsync("case.intake", 10, CancellationToken.None));
    }
}
