namespace MigrantHelpBot.Handoff;

/// <summary>Configuration section <c>Handoff</c>.</summary>
public sealed class HandoffOptions
{
    public const string Section = "Handoff";

    /// <summary>How long an emergency (P0) offer waits for an organisation to accept before it moves to the next match.</summary>
    public TimeSpan EmergencyOfferTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long any other offer waits.</summary>
    public TimeSpan OfferTimeout { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often offers are checked against their SLA and pending worker messages retried.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a staff sign-in token lasts.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Failed sign-ins in a row before an account is locked for <see cref="LockoutDuration"/>.</summary>
    public int LockoutThreshold { get; set; } = 5;

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Per-attempt timeout of a webhook notification.</summary>
    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>In Development only: create a demo organisation and staff account at start-up and print the credentials.</summary>
    public bool DemoAccount { get; set; } = true;

    public TimeSpan OfferTimeoutFor(string urgency) => urgency == "P0" ? EmergencyOfferTimeout : OfferTimeout;
}
